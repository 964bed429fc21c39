package demo

import (
	"context"
	"errors"
	"fmt"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/accesscode"
)

// PageAccessCodeID is the ID of the access code queryAccessCodeList's page
// answers with: code 9911411, audio and video, no service number, no
// description, inbound and outbound.
const PageAccessCodeID int64 = 1124167935465633793

func s(v string) *string { return &v }

// AccessCodes are the demo tenant's access codes: the page's row, then
// codes of every media type with English and Chinese descriptions, so that
// paging and substring search can be tried. IDs follow the page's, as one
// node would hand them out. No code but the page's contains 9911411, so
// the page's example request, without its description filter, answers the
// page's example body.
var AccessCodes = func() []accesscode.Draft {
	rows := []accesscode.Draft{
		{Code: "9911411", MediaType: 5, CallAttr: 3},
		{Code: "9911401", MediaType: 2, CallAttr: 1, Description: s("Click-to-dial access code for the web shop")},
		{Code: "9911402", MediaType: 2, CallAttr: 1, Description: s("网页点击通话接入码")},
		{Code: "9911403", MediaType: 2, CallAttr: 3, N400Number: s("4001234503"), Description: s("Click to call: sales team")},
		{Code: "9911404", MediaType: 2, CallAttr: 1},
		{Code: "9911405", MediaType: 2, CallAttr: 1, Description: s("App callback 应用回呼")},
		{Code: "9911406", MediaType: 2, CallAttr: 2, Description: s("Outbound click-to-dial campaigns")},
		{Code: "9911410", MediaType: 5, CallAttr: 3, Description: s("Main access code of the hotline")},
		{Code: "9911412", MediaType: 5, CallAttr: 1, N400Number: s("4008001000"), Description: s("Customer service hotline 客服热线")},
		{Code: "9911413", MediaType: 5, CallAttr: 1, N400Number: s("4008001001"), Description: s("售后服务热线")},
		{Code: "9911414", MediaType: 5, CallAttr: 2, Description: s("Outbound access code for surveys")},
		{Code: "9911415", MediaType: 5, CallAttr: 3, Description: s("VIP hotline")},
		{Code: "9911416", MediaType: 5, CallAttr: 1, Description: s("北京分公司接入码")},
		{Code: "9911417", MediaType: 5, CallAttr: 1, Description: s("上海分公司接入码")},
		{Code: "9911418", MediaType: 5, CallAttr: 3, Description: s("Night shift ACCESS CODE")},
		{Code: "9911419", MediaType: 5, CallAttr: 1, N400Number: s("4008001009"), Description: s("Complaints 投诉专线")},
		{Code: "9911420", MediaType: 5, CallAttr: 2, Description: s("Billing reminders 账单提醒")},
		{Code: "9911421", MediaType: 18, CallAttr: 1, Description: s("Video click-to-dial access code")},
		{Code: "9911422", MediaType: 18, CallAttr: 1, Description: s("视频点击通话")},
		{Code: "9911423", MediaType: 18, CallAttr: 3},
		{Code: "9911424", MediaType: 18, CallAttr: 1, Description: s("Video help from the mobile app")},
		{Code: "9911425", MediaType: 18, CallAttr: 1, Description: s("远程视频验证")},
		{Code: "9911431", MediaType: 19, CallAttr: 1, Description: s("Video customer service")},
		{Code: "9911432", MediaType: 19, CallAttr: 1, Description: s("视频客服接入码")},
		{Code: "9911433", MediaType: 19, CallAttr: 3, N400Number: s("4008001033"), Description: s("Video banking access code")},
		{Code: "9911434", MediaType: 19, CallAttr: 1, Description: s("视频面签")},
		{Code: "9911435", MediaType: 19, CallAttr: 2, Description: s("Outbound video calls")},
		{Code: "9911441", MediaType: 53, CallAttr: 1, Description: s("Multimedia access code: web chat")},
		{Code: "9911442", MediaType: 53, CallAttr: 1, Description: s("微信公众号接入码")},
		{Code: "9911443", MediaType: 53, CallAttr: 1, Description: s("WhatsApp and e-mail")},
		{Code: "9911444", MediaType: 53, CallAttr: 3, Description: s("多媒体渠道 (网页、App、邮件)")},
		{Code: "9911445", MediaType: 53, CallAttr: 1, Description: s("Social media 社交媒体 access code")},
		{Code: "9911446", MediaType: 53, CallAttr: 1},
		{Code: "9911447", MediaType: 53, CallAttr: 1, Description: s("Online chat for the 100% guarantee campaign")},
	}
	for i := range rows {
		rows[i].ID = PageAccessCodeID + int64(i)
	}
	return rows
}()

// Routes are the demo tenant's called routes. The first has the ID of the
// vendor's modifyCalledRoute example.
var Routes = []accesscode.RouteDraft{
	{ID: 1125397061153369092, AccessCode: "9911411", DeviceType: accesscode.DeviceSkillQueue, DeviceID: 1, DeviceDesc: s("Default skill queue")},
	{ID: 1125397061153369093, AccessCode: "9911411", ExtCode: s("1"), DeviceType: accesscode.DeviceIVR, DeviceID: 3, DeviceDesc: s("Self-service IVR 自助语音")},
	{ID: 1125397061153369094, AccessCode: "9911412", DeviceType: accesscode.DeviceSkillQueue, DeviceID: 2, DeviceDesc: s("客服技能队列")},
	{ID: 1125397061153369095, AccessCode: "9911413", DeviceType: accesscode.DeviceSkillQueue, DeviceID: 4, DeviceDesc: s("After-sales queue 售后队列"), Editable: accesscode.EditableNoDelete},
	{ID: 1125397061153369096, AccessCode: "9911441", DeviceType: accesscode.DeviceSkillQueue, DeviceID: 5, DeviceDesc: s("Web chat agents")},
	{ID: 1125397061153369097, AccessCode: "9911431", DeviceType: accesscode.DeviceIVR, DeviceID: 6, DeviceDesc: s("Video IVR"), Editable: accesscode.EditableNone},
}

// loadAccessCodes creates the demo access codes and routes that are absent.
// A code or route whose ID or number an integrator has since used for
// something else is left alone.
func loadAccessCodes(ctx context.Context, svc *accesscode.Service) error {
	for _, d := range AccessCodes {
		if _, err := svc.Get(ctx, TenantID, d.ID); err == nil {
			continue
		} else if !errors.Is(err, aiccd.ErrNotFound) {
			return err
		}
		if _, err := svc.Add(ctx, TenantID, d); err != nil && aiccd.KindOf(err) != aiccd.KindConflict {
			return fmt.Errorf("demo access code %s: %w", d.Code, err)
		}
	}
	for _, d := range Routes {
		if _, err := svc.GetRoute(ctx, TenantID, d.ID); err == nil {
			continue
		} else if !errors.Is(err, aiccd.ErrNotFound) {
			return err
		}
		_, err := svc.AddRoute(ctx, TenantID, d)
		if err != nil && aiccd.KindOf(err) != aiccd.KindConflict && aiccd.KindOf(err) != aiccd.KindNotFound {
			return fmt.Errorf("demo called route %d: %w", d.ID, err)
		}
	}
	return nil
}
