// A Canon webhook receiver: it verifies every request with the Standard Webhooks library, answers at once, and does
// the work afterwards, once per webhook-id.
//
//	go mod tidy
//	CANON_WEBHOOK_SECRET=whsec_... PORT=8080 go run .
package main

import (
	"encoding/json"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

const maxBodyBytes = 1_000_000 // Canon's payloads stay well under 20 kB

type event struct {
	Type      string          `json:"type"`
	Timestamp string          `json:"timestamp"`
	Data      json.RawMessage `json:"data"`
}

type receiver struct {
	webhook *standardwebhooks.Webhook
	mu      sync.Mutex

	// Canon delivers at least once. Keep the ids for a few days in real use: a unique key in your database.
	handledIDs map[string]bool
}

func logLine(fields map[string]any) {
	line, _ := json.Marshal(fields)
	os.Stdout.Write(append(line, '\n'))
}

// handle is where your work goes. It runs after Canon has its answer, so it may take as long as it needs.
func handle(webhookID string, received event) {
	logLine(map[string]any{"outcome": "handled", "webhook_id": webhookID, "type": received.Type, "data": received.Data})
}

func (rc *receiver) firstTime(webhookID string) bool {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	seen := rc.handledIDs[webhookID]
	rc.handledIDs[webhookID] = true
	return !seen
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	// The raw bytes: JSON parsed and serialised again would not verify.
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		// Too large, or the sender hung up (and then the status reaches no one).
		w.WriteHeader(http.StatusRequestEntityTooLarge)
		return
	}
	if err := rc.webhook.Verify(body, r.Header); err != nil {
		logLine(map[string]any{"outcome": "rejected", "reason": err.Error()})
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	var received event
	if err := json.Unmarshal(body, &received); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	webhookID := r.Header.Get(standardwebhooks.HeaderWebhookID)
	if rc.firstTime(webhookID) {
		go handle(webhookID, received)
	} else {
		logLine(map[string]any{"outcome": "duplicate", "webhook_id": webhookID})
	}
	w.WriteHeader(http.StatusNoContent)
}

func envOr(name, fallback string) string {
	if value := os.Getenv(name); value != "" {
		return value
	}
	return fallback
}

func main() {
	secret := os.Getenv("CANON_WEBHOOK_SECRET")
	// The library accepts an empty key, and anyone can sign with an empty key.
	if strings.TrimPrefix(secret, "whsec_") == "" {
		log.Fatal("set CANON_WEBHOOK_SECRET to the subscription's secret, whsec_...")
	}
	webhook, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		log.Fatalf("CANON_WEBHOOK_SECRET is not whsec_ followed by base64: %v", err)
	}
	address := net.JoinHostPort(envOr("HOST", "127.0.0.1"), envOr("PORT", "8080"))
	server := &http.Server{
		Addr:              address,
		Handler:           &receiver{webhook: webhook, handledIDs: map[string]bool{}},
		ReadHeaderTimeout: 10 * time.Second,
	}
	log.Printf("listening on http://%s", address)
	log.Fatal(server.ListenAndServe())
}
