package console

import (
	"net/http"
	"strings"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/partner"
)

// The partner directory: the customers partners created, through
// partner.Service as the admin API and `aiccd admin customer` read them.
// E-mail addresses and mobile numbers are sealed and indexed blind, so
// they are found exactly, as the cloud's registration check finds them:
// whether a value is taken, and how many accounts share a mobile number.

type partnerData struct {
	Partner, After string
	Customers      []partner.Customer
	Next           string // the After of the next page, if any
	Find           string // an ID or name, as typed
	Found          *partner.Customer
	FindError      string
	SearchType     string
	SearchTypes    []partner.SearchType
	Value          string
	Checked        bool
	Result         partner.Result
	Shared         int // accounts on the mobile number checked
	MobileLimit    int
	CheckError     string
}

func (c *Console) partnerDirectory(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	d := partnerData{Partner: strings.TrimSpace(q.Get("partner")), After: q.Get("after"), Find: strings.TrimSpace(q.Get("find")),
		SearchType: q.Get("type"), Value: q.Get("value"), MobileLimit: c.Customers.MobileLimit(),
		SearchTypes: []partner.SearchType{partner.SearchName, partner.SearchEmail, partner.SearchMobile}}
	cs, err := c.Customers.List(ctx, d.Partner, d.After, pageSize)
	if err != nil {
		return err
	}
	d.Customers = cs
	if len(cs) == pageSize {
		d.Next = cs[len(cs)-1].Name
	}
	if d.Find != "" {
		cu, err := c.Customers.Get(ctx, d.Find)
		switch {
		case err == nil:
			d.Found = &cu
		case clientError(err):
			d.FindError = sentence(aiccd.MessageOf(err, ""))
		default:
			return err
		}
	}
	if q.Has("value") {
		d.Checked = true
		d.Result, err = c.Customers.Check(ctx, d.SearchType, d.Value)
		switch {
		case err == nil:
			if partner.SearchType(d.SearchType) == partner.SearchMobile {
				d.Shared = d.MobileLimit - d.Result.Remaining
			}
		case clientError(err):
			d.CheckError = sentence(aiccd.MessageOf(err, ""))
		default:
			return err
		}
	}
	return c.render(w, r, http.StatusOK, "partners", view{Title: "Partner directory", Nav: "partners", Data: d})
}
