package auth

import (
	"container/list"
	"sync"
	"time"
)

// Limiter counts events per key (a username, a client address) in fixed
// windows and refuses a key that reached its limit until its window ends.
//
// It lives in memory and is per process: a restart forgets every count, and
// several Vega processes behind one load balancer each count on their own.
// Memory is bounded: at most maxKeys keys are kept; expired windows are
// dropped first, and when every window is still open the oldest one goes.
//
// It is safe for concurrent use.
type Limiter struct {
	limit   int
	window  time.Duration
	maxKeys int
	now     func() time.Time

	mu      sync.Mutex
	entries map[string]*list.Element // values are *limitEntry
	order   *list.List               // oldest window start at the front
}

type limitEntry struct {
	key   string
	start time.Time
	count int
}

// NewLimiter returns a Limiter allowing limit events per key in each window,
// remembering at most maxKeys keys.
func NewLimiter(limit int, window time.Duration, maxKeys int) *Limiter {
	if limit < 1 {
		limit = 1
	}
	if maxKeys < 1 {
		maxKeys = 1
	}
	return &Limiter{
		limit: limit, window: window, maxKeys: maxKeys, now: time.Now,
		entries: make(map[string]*list.Element), order: list.New(),
	}
}

// Take counts one event for every key, all or nothing. When a key has
// already reached the limit in its current window nothing is counted, and
// Take returns false and how long until the latest of the blocking windows
// ends. Counting before the guarded action (rather than after it fails)
// means concurrent attempts cannot overshoot the limit.
func (l *Limiter) Take(keys ...string) (ok bool, retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	for _, k := range keys {
		if e := l.current(k, now); e != nil && e.count >= l.limit {
			if wait := e.start.Add(l.window).Sub(now); wait > retryAfter {
				retryAfter = wait
			}
		}
	}
	if retryAfter > 0 {
		return false, retryAfter
	}
	for _, k := range keys {
		e := l.current(k, now)
		if e == nil {
			e = l.insert(k, now)
		}
		e.count++
	}
	return true, 0
}

// Return gives back one event taken for each key, for an attempt that turned
// out not to count (such as a successful sign-in).
func (l *Limiter) Return(keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	for _, k := range keys {
		if e := l.current(k, now); e != nil && e.count > 0 {
			e.count--
		}
	}
}

// Reset forgets keys.
func (l *Limiter) Reset(keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		if el, ok := l.entries[k]; ok {
			l.order.Remove(el)
			delete(l.entries, k)
		}
	}
}

// Len returns the number of keys remembered.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.entries)
}

// current returns k's entry if its window is still open, dropping it if the
// window has ended. l.mu is held.
func (l *Limiter) current(k string, now time.Time) *limitEntry {
	el, ok := l.entries[k]
	if !ok {
		return nil
	}
	e := el.Value.(*limitEntry)
	if now.Sub(e.start) >= l.window {
		l.order.Remove(el)
		delete(l.entries, k)
		return nil
	}
	return e
}

// insert adds a fresh window for k starting now, making room first. l.mu is
// held and k is not present.
func (l *Limiter) insert(k string, now time.Time) *limitEntry {
	for front := l.order.Front(); front != nil; front = l.order.Front() {
		e := front.Value.(*limitEntry)
		if now.Sub(e.start) < l.window && len(l.entries) < l.maxKeys {
			break
		}
		l.order.Remove(front)
		delete(l.entries, e.key)
	}
	e := &limitEntry{key: k, start: now}
	l.entries[k] = l.order.PushBack(e)
	return e
}
