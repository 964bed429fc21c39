// Package snowflake generates time-ordered 64-bit IDs in the layout the
// vendor's platform uses for object IDs such as access code IDs
// ("1124167935465633793"): 41 bits of milliseconds since an epoch, 10 bits
// of node, 12 bits of sequence.
package snowflake

import (
	"fmt"
	"sync"
	"time"

	"github.com/aiccd/aiccd"
)

// Epoch is the zero of the time bits: 2010-11-04T01:42:54.657Z, the epoch
// of the original snowflake, which the vendor's IDs match.
var Epoch = time.UnixMilli(1288834974657)

const (
	nodeBits = 10
	seqBits  = 12
	// MaxNode is the largest node number.
	MaxNode = 1<<nodeBits - 1
	maxSeq  = 1<<seqBits - 1
)

// Generator makes IDs for one node. Replicas sharing a database must use
// different nodes. It is safe for concurrent use.
type Generator struct {
	mu    sync.Mutex
	clock aiccd.Clock
	node  int64
	last  int64 // milliseconds since Epoch of the last ID
	seq   int64
}

var _ aiccd.IDGenerator = (*Generator)(nil)

// New returns a Generator for node (0 to MaxNode).
func New(node int, clock aiccd.Clock) (*Generator, error) {
	if node < 0 || node > MaxNode {
		return nil, fmt.Errorf("snowflake: node %d is outside 0..%d", node, MaxNode)
	}
	return &Generator{clock: clock, node: int64(node)}, nil
}

// NextID returns a new ID, greater than every ID this Generator returned
// before. When the clock stands still or goes back, it borrows
// milliseconds from the future rather than repeat an ID.
func (g *Generator) NextID() int64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.clock.Now().Sub(Epoch).Milliseconds()
	if now > g.last {
		g.last, g.seq = now, 0
	} else {
		g.seq++
		if g.seq > maxSeq {
			g.last++
			g.seq = 0
		}
	}
	return g.last<<(nodeBits+seqBits) | g.node<<seqBits | g.seq
}

// Time returns when id was made.
func Time(id int64) time.Time {
	return Epoch.Add(time.Duration(id>>(nodeBits+seqBits)) * time.Millisecond)
}
