package accesscode

import (
	"strings"
	"testing"
	"time"

	"github.com/aiccd/aiccd"
)

type fixedIDs struct{ next int64 }

func (f *fixedIDs) NextID() int64 { f.next++; return f.next }

func testService() *Service {
	return NewService(Options{Clock: aiccd.ClockFunc(func() time.Time { return time.Date(2023, 9, 27, 8, 0, 0, 123456789, time.UTC) }), IDs: &fixedIDs{}})
}

func TestPrepareValidates(t *testing.T) {
	svc := testService()
	s := func(v string) *string { return &v }
	for _, tc := range []struct {
		d   Draft
		err string
	}{
		{Draft{Code: "", MediaType: 5, CallAttr: 3}, "accessCode: is required"},
		{Draft{Code: "99-11", MediaType: 5, CallAttr: 3}, `accessCode: "99-11" must consist of the digits 0-9 only`},
		{Draft{Code: "１２３", MediaType: 5, CallAttr: 3}, "must consist of the digits 0-9 only"},
		{Draft{Code: strings.Repeat("9", 33), MediaType: 5, CallAttr: 3}, "is longer than 32 digits"},
		{Draft{Code: "1", MediaType: 7, CallAttr: 3}, "mediatypeId: 7 is not one of 2, 5, 18, 19, 53"},
		{Draft{Code: "1", MediaType: 5, CallAttr: 0}, "numCallAttr: 0 is not 1 (inbound), 2 (outbound) or 3 (both)"},
		{Draft{Code: "1", MediaType: 5, CallAttr: 3, N400Number: s("400 800")}, `n400Number: "400 800" must be digits`},
		{Draft{Code: "1", MediaType: 5, CallAttr: 3, N400Number: s("+-1")}, "n400Number"},
		{Draft{Code: "1", MediaType: 5, CallAttr: 3, N400Number: s(strings.Repeat("4", 33))}, "n400Number: "},
		{Draft{Code: "1", MediaType: 5, CallAttr: 3, Description: s("a\x01b")}, "description: must not contain control characters (found U+0001)"},
		{Draft{Code: "1", MediaType: 5, CallAttr: 3, Description: s("line\nbreak")}, "description: must not contain control characters"},
		{Draft{Code: "1", MediaType: 5, CallAttr: 3, Description: s("\xff")}, "description: is not valid UTF-8"},
		{Draft{Code: "1", MediaType: 5, CallAttr: 3, Description: s(strings.Repeat("接", 257))}, "description: is 257 characters long; the maximum is 256"},
		{Draft{ID: -4, Code: "1", MediaType: 5, CallAttr: 3}, "id: -4 is not a positive 64-bit number"},
	} {
		_, err := svc.Prepare("t", tc.d)
		if aiccd.KindOf(err) != aiccd.KindInvalid || !strings.Contains(aiccd.MessageOf(err, ""), tc.err) {
			t.Errorf("%+v: %v, want %q", tc.d, err, tc.err)
		}
	}
	a, err := svc.Prepare("t", Draft{Code: "9911411", MediaType: 5, CallAttr: 3, N400Number: s(""), Description: s(strings.Repeat("接", 256))})
	if err != nil {
		t.Fatal(err)
	}
	if a.ID <= 0 || a.N400Number != nil || a.TenantID != "t" || a.CreatedAt.Nanosecond() != 123000000 {
		t.Fatalf("Prepare = %+v", a)
	}
	if a, err := svc.Prepare("t", Draft{Code: "1", MediaType: 2, CallAttr: 1, N400Number: s("+86-400-800-1234")}); err != nil || *a.N400Number != "+86-400-800-1234" {
		t.Fatalf("international service number: %+v %v", a, err)
	}
	if _, err := svc.Prepare("", Draft{Code: "1", MediaType: 2, CallAttr: 1}); aiccd.KindOf(err) != aiccd.KindInvalid {
		t.Fatalf("no tenant: %v", err)
	}
}

func TestPrepareRouteValidates(t *testing.T) {
	svc := testService()
	s := func(v string) *string { return &v }
	for _, tc := range []struct {
		d   RouteDraft
		err string
	}{
		{RouteDraft{AccessCode: "1", DeviceType: 2, DeviceID: 1}, "devicetype: 2 is not 1 (skill queue) or 3 (IVR)"},
		{RouteDraft{AccessCode: "1", DeviceType: 1, DeviceID: 0}, "deviceId: 0 is not a positive number"},
		{RouteDraft{AccessCode: "x", DeviceType: 1, DeviceID: 1}, "accessCode:"},
		{RouteDraft{AccessCode: "1", ExtCode: s("1a"), DeviceType: 1, DeviceID: 1}, `extCode: "1a" must be 1 to 12 digits`},
		{RouteDraft{AccessCode: "1", ExtCode: s("1234567890123"), DeviceType: 1, DeviceID: 1}, "extCode:"},
		{RouteDraft{AccessCode: "1", MediaType: 4, DeviceType: 1, DeviceID: 1}, "mediaTypeId: 4 is not one of"},
		{RouteDraft{AccessCode: "1", DeviceType: 1, DeviceID: 1, Editable: 4}, "editable: 4 is not 0 to 3"},
		{RouteDraft{AccessCode: "1", DeviceType: 1, DeviceID: 1, DeviceDesc: s("tab\there")}, "deviceDesc: must not contain control characters"},
	} {
		_, err := svc.PrepareRoute("t", tc.d)
		if aiccd.KindOf(err) != aiccd.KindInvalid || !strings.Contains(aiccd.MessageOf(err, ""), tc.err) {
			t.Errorf("%+v: %v, want %q", tc.d, err, tc.err)
		}
	}
	r, err := svc.PrepareRoute("t", RouteDraft{AccessCode: "1", ExtCode: s(""), DeviceType: 3, DeviceID: 9, DeviceDesc: s("")})
	if err != nil || r.ExtCode != nil || r.DeviceDesc != nil {
		t.Fatalf("empty extension and description are none: %+v %v", r, err)
	}
}

func TestEditable(t *testing.T) {
	for e, want := range map[Editable][2]bool{
		EditableFully: {true, true}, EditableDeletable: {false, true}, EditableNoDelete: {true, false}, EditableNone: {false, false},
	} {
		if e.CanModify() != want[0] || e.CanDelete() != want[1] {
			t.Errorf("%d: modify %v delete %v", e, e.CanModify(), e.CanDelete())
		}
	}
}

func TestParseNames(t *testing.T) {
	for in, want := range map[string]MediaType{"5": 5, "audio-video": 5, "Multimedia": 53, " 19 ": 19, "video-click-to-dial": 18} {
		if got, err := ParseMediaType(in); err != nil || got != want {
			t.Errorf("ParseMediaType(%q) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "7", "audio", "5.0"} {
		if _, err := ParseMediaType(in); aiccd.KindOf(err) != aiccd.KindInvalid {
			t.Errorf("ParseMediaType(%q) accepted", in)
		}
	}
	for in, want := range map[string]CallAttr{"1": 1, "outbound": 2, "BOTH": 3} {
		if got, err := ParseCallAttr(in); err != nil || got != want {
			t.Errorf("ParseCallAttr(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseCallAttr("4"); err == nil {
		t.Error("ParseCallAttr(4) accepted")
	}
	for in, want := range map[string]DeviceType{"1": 1, "skill-queue": 1, "IVR": 3, "3": 3} {
		if got, err := ParseDeviceType(in); err != nil || got != want {
			t.Errorf("ParseDeviceType(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseEditable("4"); err == nil {
		t.Error("ParseEditable(4) accepted")
	}
}
