package demo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/smartcare"
)

// The SmartCare part of the demo reproduces the queryfaultyuser page's
// example: subscriber 6680512100869 complains in scene "1" at
// 1721283133000 (2024-07-18 13:12:13 in Bangkok) with a backtrace of an
// hour, and two mass faults explain the records of that hour.
const (
	FaultyMSISDN   = "6680512100869" // affected by both faults of the example
	HealthyMSISDN  = "6680512100870" // active in a healthy cell at the same time
	ComplaintScene = "1"
	ExampleFaultMS = "1721283133000"
	demoTimeZone   = "Asia/Bangkok"
	demoBacktraceS = 3600
	smsFaultRule   = "FAILURE_CAUSE=DTAPSMS_CP:CP Error(17 Network Failure)"
	dataFaultRule  = "LAC_TAC=5200504B2007&SAI_CGI_ECGI=5200504B2007"
)

// demoRules are the two faults of the example. The SMS fault lasted the
// morning of 2024-07-18 (UTC); the DATA fault is still ongoing.
var demoRules = []smartcare.RuleInput{
	{
		SceneCode: "SMS", ReflectionRule: smsFaultRule,
		ActiveFrom:  time.Date(2024, 7, 18, 4, 30, 0, 0, time.UTC),
		ActiveUntil: time.Date(2024, 7, 18, 9, 0, 0, 0, time.UTC),
		Description: "SMS core network failure (demo)",
	},
	{
		SceneCode: "DATA", ReflectionRule: dataFaultRule,
		ActiveFrom:  time.Date(2024, 7, 18, 5, 0, 0, 0, time.UTC),
		Description: "cell 5200504B2007 out of data service (demo)",
	},
}

// demoRecords are the subscribers' records around the example, as the
// admin API's NDJSON: one record per fault inside the hour before the
// fault time, one DATA record before the DATA fault began, one VOICE
// record (scene "1" does not cover voice), and the healthy subscriber.
var demoRecords = strings.Join([]string{
	`{"msisdn":"6680512100869","eventTime":"2024-07-18T04:05:00Z","ccmSceneCode":"DATA","dimensions":{"LAC_TAC":"5200504B2007","SAI_CGI_ECGI":"5200504B2007","APN":"internet","RAT":"4G"}}`,
	`{"msisdn":"6680512100869","eventTime":"2024-07-18T05:20:41Z","ccmSceneCode":"SMS","dimensions":{"LAC_TAC":"5200504B2007","SAI_CGI_ECGI":"5200504B2007","FAILURE_CAUSE":"DTAPSMS_CP:CP Error(17 Network Failure)","RAT":"4G"}}`,
	`{"msisdn":"6680512100869","eventTime":"2024-07-18T05:47:09Z","ccmSceneCode":"DATA","dimensions":{"LAC_TAC":"5200504B2007","SAI_CGI_ECGI":"5200504B2007","APN":"internet","RAT":"4G"}}`,
	`{"msisdn":"6680512100869","eventTime":"2024-07-18T05:55:30Z","ccmSceneCode":"VOICE","dimensions":{"LAC_TAC":"5200504B2007","SAI_CGI_ECGI":"5200504B2007","RAT":"4G"}}`,
	`{"msisdn":"6680512100870","eventTime":"2024-07-18T05:30:00Z","ccmSceneCode":"DATA","dimensions":{"LAC_TAC":"5200504B3001","SAI_CGI_ECGI":"5200504B3001","APN":"internet","RAT":"4G"}}`,
	`{"msisdn":"6680512100870","eventTime":"2024-07-18T05:41:12Z","ccmSceneCode":"SMS","dimensions":{"LAC_TAC":"5200504B3001","SAI_CGI_ECGI":"5200504B3001","RAT":"4G"}}`,
}, "\n")

// LoadSmartCare creates the demo tenant's SmartCare data where absent.
func LoadSmartCare(ctx context.Context, svc *smartcare.Service, logger *slog.Logger) error {
	has, err := svc.HasSettings(ctx, TenantID)
	if err != nil {
		return err
	}
	if !has {
		// Retention off: the example is from 2024 and must keep working.
		backtrace, tz, keep := time.Duration(demoBacktraceS)*time.Second, demoTimeZone, 0
		if _, err := svc.UpdateSettings(ctx, TenantID, smartcare.SettingsPatch{
			DefaultBacktrace: &backtrace, TimeZone: &tz, RetentionDays: &keep,
		}); err != nil {
			return fmt.Errorf("settings: %w", err)
		}
	}
	_, err = svc.CreateScene(ctx, TenantID, smartcare.SceneInput{ID: ComplaintScene, Name: "SMS and mobile data", SceneCodes: []string{"SMS", "DATA"}})
	if err != nil && !errors.Is(err, aiccd.ErrConflict) {
		return fmt.Errorf("scene %s: %w", ComplaintScene, err)
	}
	for _, r := range demoRules {
		if _, err := svc.CreateRule(ctx, TenantID, r); err != nil && !errors.Is(err, aiccd.ErrConflict) {
			return fmt.Errorf("rule %s: %w", r.ReflectionRule, err)
		}
	}
	from, to := time.Date(2024, 7, 18, 0, 0, 0, 0, time.UTC), time.Date(2024, 7, 19, 0, 0, 0, 0, time.UTC)
	existing, err := svc.Records(ctx, TenantID, FaultyMSISDN, from, to)
	if err != nil {
		return err
	}
	if len(existing) > 0 {
		return nil
	}
	rep, err := svc.IngestNDJSON(ctx, TenantID, strings.NewReader(demoRecords))
	if err != nil {
		return fmt.Errorf("records: %w", err)
	}
	if rep.Rejected > 0 {
		// An integrator turned retention on for the demo tenant: the 2024
		// records are too old for it. The rest of the demo still works.
		logger.Warn("demo SmartCare records not loaded", "reason", rep.Errors[0].Reason)
	}
	return nil
}
