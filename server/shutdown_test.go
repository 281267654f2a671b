package server

import (
	"context"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
)

// TestShutdownFinishesInFlightRequests: a request that is being served when
// the server is told to stop still gets its full answer, and new connections
// are refused afterwards.
func TestShutdownFinishesInFlightRequests(t *testing.T) {
	ts := newTestServer(t)
	started := make(chan struct{})
	ts.App().Get("/slow", func(c *fiber.Ctx) error {
		close(started)
		time.Sleep(300 * time.Millisecond)
		return c.SendString("finished")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go ts.App().Listener(ln)
	url := "http://" + ln.Addr().String()

	type result struct {
		status int
		body   string
		err    error
	}
	done := make(chan result, 1)
	go func() {
		resp, err := http.Get(url + "/slow")
		if err != nil {
			done <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		done <- result{resp.StatusCode, string(b), err}
	}()
	<-started

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := ts.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	r := <-done
	if r.err != nil || r.status != 200 || r.body != "finished" {
		t.Fatalf("in-flight request = %d %q %v, want 200 finished", r.status, r.body, r.err)
	}
	client := http.Client{Timeout: time.Second}
	if resp, err := client.Get(url + "/health"); err == nil {
		resp.Body.Close()
		t.Fatalf("server still accepting after shutdown: %d", resp.StatusCode)
	}
}
