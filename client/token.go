package client

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// tokenSource obtains a bearer token, caches it and renews it before it
// expires. Concurrent callers share one renewal. Without fetch it holds a
// fixed token.
type tokenSource struct {
	name  string
	fetch func(ctx context.Context) (token string, expires time.Time, err error)
	sem   chan struct{} // held while fetching

	mu      sync.Mutex
	tok     string
	renewAt time.Time
}

// maxRenewMargin bounds how long before its expiry a token is renewed: a
// tenth of its lifetime, at most five minutes, so that a request never
// leaves with a token about to expire in flight.
const maxRenewMargin = 5 * time.Minute

// fixedToken is a tokenSource of a token obtained elsewhere.
func fixedToken(tok string) *tokenSource { return &tokenSource{tok: tok} }

// token returns a token valid for a while yet, fetching one if needed.
func (s *tokenSource) token(ctx context.Context, now func() time.Time) (string, error) {
	if s.fetch == nil {
		return s.tok, nil
	}
	if t, ok := s.cached(now()); ok {
		return t, nil
	}
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-s.sem }()
	if t, ok := s.cached(now()); ok {
		return t, nil // renewed while this caller waited
	}
	issued := now()
	tok, expires, err := s.fetch(ctx)
	if err != nil {
		return "", fmt.Errorf("client: obtaining the %s: %w", s.name, err)
	}
	margin := min(expires.Sub(issued)/10, maxRenewMargin)
	s.mu.Lock()
	s.tok, s.renewAt = tok, expires.Add(-margin)
	s.mu.Unlock()
	return tok, nil
}

func (s *tokenSource) cached(now time.Time) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tok, s.tok != "" && now.Before(s.renewAt)
}

// invalidate drops tok if it is still the cached token, so that the next
// call fetches a new one.
func (s *tokenSource) invalidate(tok string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok == tok {
		s.tok = ""
	}
}
