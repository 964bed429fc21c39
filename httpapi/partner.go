package httpapi

import (
	"net/http"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/partner"
)

// The partner (BSS) customer APIs: registration checks, old (check-user,
// v1.0) and new (check-identity, v2), and customer creation. Every route
// is behind s.partnerOnly; the v2 routes act for the authenticated
// partner, the v1.0 route names it in its path as well.

var errNotOwnPartnerID = aiccd.Errorf(aiccd.KindForbidden, "access denied: partner_id is not the partner ID of the caller")

type checkUserRequest struct {
	SearchType string `json:"searchType"`
	SearchKey  string `json:"searchKey"`
}

type checkUserResponse struct {
	ErrorCode string `json:"error_code"`
	ErrorMsg  string `json:"error_msg"`
	Status    string `json:"status"`
	Uplimit   string `json:"uplimit"`
}

// zeroOne is the pages' "0"/"1" string for a boolean.
func zeroOne(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// checkUser serves POST /v1.0/{partner_id}/partner/customer-mgr/check-user.
func (s *Server) checkUser(w http.ResponseWriter, r *http.Request) error {
	partnerID := r.PathValue("partner_id")
	if err := partner.ValidatePartnerID(partnerID); err != nil {
		return err
	}
	if partnerID != cloudPrincipalFrom(r.Context()).AccountID {
		return errNotOwnPartnerID
	}
	var req checkUserRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	res, err := s.customers.Check(r.Context(), req.SearchType, req.SearchKey)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, checkUserResponse{
		ErrorCode: cbcSuccess, ErrorMsg: "success", Status: zeroOne(res.Used), Uplimit: zeroOne(res.LimitReached),
	})
	return nil
}

type checkIdentityRequest struct {
	SearchType  string `json:"search_type"`
	SearchValue string `json:"search_value"`
}

type checkIdentityResponse struct {
	ErrorCode   string `json:"error_code"`
	ErrorMsg    string `json:"error_msg"`
	CheckResult string `json:"check_result"`
	// Only for search_type mobile.
	MobileRemainAvailableNum *int `json:"mobile_remain_available_num,omitempty"`
}

// checkIdentity serves POST /v2/partners/sub-customers/users/check-identity.
// A mobile number is "used_by_user" only once it has reached its account
// limit: as the cloud's SDK documents, the check of a mobile number is a
// check of that limit.
func (s *Server) checkIdentity(w http.ResponseWriter, r *http.Request) error {
	var req checkIdentityRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	res, err := s.customers.Check(r.Context(), req.SearchType, req.SearchValue)
	if err != nil {
		return err
	}
	resp := checkIdentityResponse{ErrorCode: cbcSuccess, ErrorMsg: "success", CheckResult: "available"}
	if res.LimitReached {
		resp.CheckResult = "used_by_user"
	}
	if partner.SearchType(req.SearchType) == partner.SearchMobile {
		resp.MobileRemainAvailableNum = &res.Remaining
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// createSubCustomerRequest holds the fields of the cloud's create-customer
// request that aiccd keeps, plus email. Its other fields (xaccount_id,
// xaccount_type, verification_code, …) are accepted and ignored.
type createSubCustomerRequest struct {
	DomainName  string `json:"domain_name"`
	Email       string `json:"email"`
	MobilePhone string `json:"mobile_phone"`
	Password    string `json:"password"`
}

type createSubCustomerResponse struct {
	DomainID   string `json:"domain_id"`
	DomainName string `json:"domain_name"`
}

// createSubCustomer serves POST /v2/partners/sub-customers: the caller
// creates a customer account of its own.
func (s *Server) createSubCustomer(w http.ResponseWriter, r *http.Request) error {
	var req createSubCustomerRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	c, err := s.customers.Create(r.Context(), cloudPrincipalFrom(r.Context()).AccountID, partner.NewCustomer{
		Name: req.DomainName, Email: req.Email, Mobile: req.MobilePhone, Password: req.Password,
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, createSubCustomerResponse{DomainID: c.ID, DomainName: c.Name})
	return nil
}
