package postgres

import (
	"testing"
	"time"
)

func TestTenantSizes(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	c := newTenantSizes(func() time.Time { return now })
	c.put("acme", 7)
	c.put("empty", 0) // its first rows must not be missed
	if n, ok := c.get("acme"); !ok || n != 7 {
		t.Errorf("get acme = %d, %v", n, ok)
	}
	if _, ok := c.get("empty"); ok {
		t.Error("an empty tenant's size was remembered")
	}
	now = now.Add(tenantSizeTTL + time.Millisecond)
	if _, ok := c.get("acme"); ok {
		t.Error("an expired size was returned")
	}
	for i := range maxTenantSizes + 1 {
		c.put(string(rune(0x4e00+i)), 1)
	}
	if len(c.m) > maxTenantSizes {
		t.Errorf("%d sizes kept, bound %d", len(c.m), maxTenantSizes)
	}
}
