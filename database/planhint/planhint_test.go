package planhint

import (
	"fmt"
	"testing"
	"time"
)

func TestCache(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	c := New[int](func() time.Time { return now }, 5*time.Second, 100)
	c.Put("t1", "a", 7)
	if v, ok := c.Get("t1", "a"); !ok || v != 7 {
		t.Errorf("Get(a) = %d, %v", v, ok)
	}
	if _, ok := c.Get("t1", "b"); ok {
		t.Error("Get(b) found a hint never put")
	}
	if _, ok := c.Get("t2", "a"); ok {
		t.Error("another tenant's hint was returned")
	}
	now = now.Add(5 * time.Second)
	if _, ok := c.Get("t1", "a"); !ok {
		t.Error("a hint expired before its time to live")
	}
	now = now.Add(time.Millisecond)
	if _, ok := c.Get("t1", "a"); ok {
		t.Error("an expired hint was returned")
	}
	for i := range 101 {
		c.Put("t1", fmt.Sprint(i), i)
	}
	if len(c.m) > 100 {
		t.Errorf("%d hints kept, bound 100", len(c.m))
	}
	if v, ok := c.Get("t1", "100"); !ok || v != 100 {
		t.Errorf("the newest hint after starting over: %d, %v", v, ok)
	}
	c.Clear()
	if _, ok := c.Get("t1", "100"); ok {
		t.Error("a hint survived Clear")
	}
}
