// Package accesscodetest makes large, realistic sets of access codes for
// benchmarks and tests: what a nationwide operator's tenant might hold, with English
// and Chinese descriptions whose words are as unevenly common as real ones.
package accesscodetest

import (
	"context"
	"fmt"
	"iter"
	"math/rand/v2"
	"strings"

	"github.com/aiccd/aiccd/accesscode"
)

var (
	cities = []string{
		"Beijing", "Shanghai", "Guangzhou", "Shenzhen", "Hangzhou", "Nanjing", "Chengdu", "Wuhan", "Xian", "Tianjin",
		"Chongqing", "Suzhou", "Qingdao", "Dalian", "Xiamen", "Kunming", "Harbin", "Changsha", "Zhengzhou", "Jinan",
		"Hefei", "Fuzhou", "Nanning", "Guiyang", "Lanzhou", "Taiyuan", "Shijiazhuang", "Changchun", "Shenyang", "Urumqi",
		"Hong Kong", "Macau", "Singapore", "Bangkok", "Jakarta", "Manila", "Dubai", "Riyadh", "Cairo", "Nairobi",
		"Lagos", "Johannesburg", "Madrid", "Paris", "Berlin", "Milan", "Warsaw", "Istanbul", "Mexico City", "Lima",
		"北京", "上海", "广州", "深圳", "杭州", "南京", "成都", "武汉", "西安", "天津",
		"重庆", "苏州", "青岛", "大连", "厦门", "昆明", "哈尔滨", "长沙", "郑州", "济南",
		"合肥", "福州", "南宁", "贵阳", "兰州", "太原", "石家庄", "长春", "沈阳", "乌鲁木齐",
	}
	departments = []string{
		"Sales", "Support", "Billing", "Complaints", "Technical", "VIP", "Enterprise", "Retail", "Roaming", "Broadband",
		"Mobile", "Cloud", "Insurance", "Loans", "Cards", "Claims", "Orders", "Returns", "Delivery", "Booking",
		"销售", "客服", "账单", "投诉", "技术支持", "贵宾", "政企", "零售", "漫游", "宽带",
		"移动", "云服务", "保险", "贷款", "信用卡", "理赔", "订单", "退货", "配送", "预订",
	}
	channels = []string{
		"hotline", "access code", "video line", "web chat", "callback", "night line", "weekend line", "outbound",
		"热线", "接入码", "视频专线", "在线客服", "回呼", "夜间专线", "周末专线", "外呼",
	}
)

// Draft returns the i-th synthetic access code of a set made with seed:
// code 10000000+i (unique), every media type and call attribute, one in
// five without a description, one in eight with a service number, and
// descriptions such as "Hangzhou Billing hotline, store 4217" or
// "杭州 账单 热线 (门店 4217)".
func Draft(seed uint64, i int) accesscode.Draft {
	r := rand.New(rand.NewPCG(seed, uint64(i)))
	d := accesscode.Draft{
		Code:      fmt.Sprint(10000000 + i),
		MediaType: accesscode.MediaTypes[r.IntN(len(accesscode.MediaTypes))],
		CallAttr:  accesscode.CallAttr(1 + r.IntN(3)),
	}
	if r.IntN(8) == 0 {
		n := fmt.Sprintf("400%07d", r.IntN(10000000))
		d.N400Number = &n
	}
	if r.IntN(5) == 0 {
		return d
	}
	// A few cities and departments are far more common than the rest, as
	// in real data.
	city := cities[zipf(r, len(cities))]
	dept := departments[zipf(r, len(departments))]
	channel := channels[r.IntN(len(channels))]
	store := r.IntN(10000)
	var desc string
	if strings.ContainsFunc(city, func(c rune) bool { return c > 0x2e80 }) {
		desc = fmt.Sprintf("%s %s %s (门店 %04d)", city, dept, channel, store)
	} else {
		desc = fmt.Sprintf("%s %s %s, store %04d", city, dept, channel, store)
	}
	d.Description = &desc
	return d
}

// zipf picks one of n entries, the first ones far more often than the
// last: the product of two uniform numbers has density -ln(x).
func zipf(r *rand.Rand, n int) int {
	return int(float64(n) * r.Float64() * r.Float64())
}

// Drafts yields the first n access codes of the set made with seed.
func Drafts(seed uint64, n int) iter.Seq[accesscode.Draft] {
	return func(yield func(accesscode.Draft) bool) {
		for i := range n {
			if !yield(Draft(seed, i)) {
				return
			}
		}
	}
}

// Store stores the first n access codes of the set made with seed as
// tenantID's, through svc's batch path; a description not nil replaces
// every code's.
func Store(ctx context.Context, svc *accesscode.Service, tenantID string, seed uint64, n int, description *string) error {
	batch := make([]accesscode.AccessCode, 0, n)
	for d := range Drafts(seed, n) {
		if description != nil {
			d.Description = description
		}
		a, err := svc.Prepare(tenantID, d)
		if err != nil {
			return err
		}
		batch = append(batch, a)
	}
	return svc.CreateBatch(ctx, tenantID, batch)
}
