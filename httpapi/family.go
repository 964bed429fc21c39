package httpapi

import "strings"

// family is an API family: a group of endpoints sharing one wire format for
// errors. Which family a request belongs to follows from its path alone, so
// that errors raised before routing (oversized bodies, panics, unknown
// paths) are rendered the same way as errors raised by handlers.
type family uint8

const (
	familyGateway   family = iota // the app gateway: APIG error_code/error_msg/request_id
	familyOMA                     // OMA mall interfaces: plain-string bodies per status
	familyPartner                 // partner (BSS) APIs: CBC error_code/error_msg
	familyIAM                     // the cloud IAM token API: {"error":{code,message,title}}
	familyCC                      // CC-Management behind the gateway: returnCode/description
	familySmartCare               // SmartCare behind the gateway: numeric returnCode/description
	familyAdmin                   // aiccd's own admin API
	familyOps                     // /healthz, /readyz, /metrics, /openapi.json, /openapi.yaml
	familyConsole                 // the web console's pages (console.Prefix)
)

var familyNames = [...]string{
	familyGateway: "gateway", familyOMA: "oma", familyPartner: "partner", familyIAM: "iam",
	familyCC: "cc", familySmartCare: "smartcare", familyAdmin: "admin", familyOps: "ops", familyConsole: "console",
}

func (f family) String() string { return familyNames[f] }

// familyPrefixes maps path prefixes to families, most specific first. A path
// under none of them is answered by the gateway, as the real platform's
// gateway answers for APIs it does not know.
var familyPrefixes = []struct {
	prefix string
	family family
}{
	{"/apiaccess/CC-Management/v1/smartcare/", familySmartCare},
	{"/apiaccess/", familyCC},
	{"/apigovernance/", familyGateway},
	{"/rest/oma/", familyOMA},
	{"/v1.0/", familyPartner},
	{"/v2/partners/", familyPartner},
	{"/v3/", familyIAM},
	{"/admin/", familyAdmin},
}

// consolePrefix is where the web console is mounted (console.Prefix). It
// is not among familyPrefixes, whose entries the router also registers
// as catch-alls: the console has a handler of its own there.
const consolePrefix = "/console/"

// opsPaths are served outside every API family.
var opsPaths = map[string]bool{"/healthz": true, "/readyz": true, "/metrics": true, "/openapi.json": true, "/openapi.yaml": true}

func familyOf(path string) family {
	for _, p := range familyPrefixes {
		if strings.HasPrefix(path, p.prefix) {
			return p.family
		}
	}
	if opsPaths[path] {
		return familyOps
	}
	if strings.HasPrefix(path, consolePrefix) {
		return familyConsole
	}
	return familyGateway
}
