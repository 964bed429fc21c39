package smartcare

import (
	"slices"
	"strings"
	"time"

	"github.com/aiccd/aiccd"
)

// Scene is a complaint scenario as the complaint system names it
// (complaintScene "1"), and the ccmSceneCodes of the faults that explain
// it: a subscriber complaining in scene "1" is affected by SMS and DATA
// mass faults.
type Scene struct {
	TenantID   string
	ID         string
	Name       string
	SceneCodes []string // sorted, each once
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Covers reports whether the scene covers ccmSceneCode code.
func (s Scene) Covers(code string) bool {
	_, ok := slices.BinarySearch(s.SceneCodes, code)
	return ok
}

// SceneInput is what an administrator gives for a scene.
type SceneInput struct {
	ID         string
	Name       string
	SceneCodes []string
}

// ScenePatch changes the fields of a scene that are set: a nil Name or
// SceneCodes leaves it as it is.
type ScenePatch struct {
	Name       *string
	SceneCodes []string
}

// apply returns the input that makes sc with p's fields set.
func (p ScenePatch) apply(sc Scene) SceneInput {
	in := SceneInput{ID: sc.ID, Name: sc.Name, SceneCodes: sc.SceneCodes}
	if p.Name != nil {
		in.Name = *p.Name
	}
	if p.SceneCodes != nil {
		in.SceneCodes = p.SceneCodes
	}
	return in
}

// validateSceneID checks a complaint scene ID: 1 to 64 letters, digits,
// '-', '_' or '.', as complaint systems number or name their scenes.
func validateSceneID(id string) error {
	if id == "" || len(id) > 64 {
		return aiccd.Errorf(aiccd.KindInvalid, "scene ID %q must be 1 to 64 characters", id)
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return aiccd.Errorf(aiccd.KindInvalid, "scene ID %q may only hold letters, digits, '-', '_' and '.'", id)
		}
	}
	return nil
}

// newScene validates in and returns the scene it describes.
func newScene(tenantID string, in SceneInput, now time.Time) (Scene, error) {
	if err := validateSceneID(in.ID); err != nil {
		return Scene{}, err
	}
	name := strings.TrimSpace(in.Name)
	if len(name) > 256 {
		return Scene{}, aiccd.Errorf(aiccd.KindInvalid, "scene name is longer than 256 bytes")
	}
	codes, err := normalizeSceneCodes(in.SceneCodes)
	if err != nil {
		return Scene{}, err
	}
	return Scene{TenantID: tenantID, ID: in.ID, Name: name, SceneCodes: codes, CreatedAt: now, UpdatedAt: now}, nil
}

// normalizeSceneCodes checks and sorts a scene's codes; duplicates are
// dropped.
func normalizeSceneCodes(in []string) ([]string, error) {
	if len(in) == 0 {
		return nil, aiccd.Errorf(aiccd.KindInvalid, "a scene must cover at least one ccmSceneCode (SMS, DATA, VOICE, …)")
	}
	if len(in) > 64 {
		return nil, aiccd.Errorf(aiccd.KindInvalid, "a scene covers at most 64 ccmSceneCodes")
	}
	codes := make([]string, 0, len(in))
	for _, c := range in {
		n, err := NormalizeSceneCode(c)
		if err != nil {
			return nil, err
		}
		codes = append(codes, n)
	}
	slices.Sort(codes)
	return slices.Compact(codes), nil
}
