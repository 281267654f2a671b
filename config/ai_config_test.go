package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestAIAndQuotaDefaults(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.AIEnabled() || c.AIBaseURL != "" || c.AITimeout != 60*time.Second || c.DocumentRetention != 90*24*time.Hour ||
		c.QuotaAnalysis != 100 || c.QuotaCoverLetter != 20 || c.QuotaCV != 20 {
		t.Errorf("defaults %+v", c)
	}
}

func TestAIAndQuotaVars(t *testing.T) {
	keyFile := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(keyFile, []byte("sk-from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		vars  map[string]string
		check func(c Config) bool
	}{
		{"ollama", map[string]string{"VEGA_AI_BASE_URL": "http://localhost:11434/v1/", "VEGA_AI_MODEL": "llama3.1"},
			func(c Config) bool {
				return c.AIEnabled() && c.AIBaseURL == "http://localhost:11434/v1" && c.AIAPIKey == ""
			}},
		{"key alone means OpenAI", map[string]string{"VEGA_AI_API_KEY": "sk-1"},
			func(c Config) bool {
				return c.AIBaseURL == "https://api.openai.com/v1" && c.AIModel == "gpt-4o-mini" && c.AIAPIKey == "sk-1"
			}},
		{"key file", map[string]string{"VEGA_AI_API_KEY_FILE": keyFile, "VEGA_AI_BASE_URL": "https://openrouter.ai/api/v1", "VEGA_AI_MODEL": "m"},
			func(c Config) bool { return c.AIAPIKey == "sk-from-file" }},
		{"timeout", map[string]string{"VEGA_AI_TIMEOUT": "90s"}, func(c Config) bool { return c.AITimeout == 90*time.Second }},
		{"retention days", map[string]string{"VEGA_DOCUMENT_RETENTION": "30d"}, func(c Config) bool { return c.DocumentRetention == 30*24*time.Hour }},
		{"retention off", map[string]string{"VEGA_DOCUMENT_RETENTION": "0"}, func(c Config) bool { return c.DocumentRetention == 0 }},
		{"quotas", map[string]string{"VEGA_QUOTA_ANALYSIS": "5", "VEGA_QUOTA_COVER_LETTER": "0", "VEGA_QUOTA_CV": "7"},
			func(c Config) bool { return c.QuotaAnalysis == 5 && c.QuotaCoverLetter == 0 && c.QuotaCV == 7 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(env(tt.vars))
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(c) {
				t.Errorf("config %+v", c)
			}
		})
	}
}

func TestAIAndQuotaVarsRefused(t *testing.T) {
	tests := []struct {
		name string
		vars map[string]string
		msg  string
	}{
		{"base url without model", map[string]string{"VEGA_AI_BASE_URL": "http://localhost:11434/v1"}, "VEGA_AI_MODEL is not"},
		{"relative base url", map[string]string{"VEGA_AI_BASE_URL": "localhost:11434", "VEGA_AI_MODEL": "m"}, "VEGA_AI_BASE_URL"},
		{"ftp base url", map[string]string{"VEGA_AI_BASE_URL": "ftp://x/v1", "VEGA_AI_MODEL": "m"}, "http:// or https://"},
		{"timeout too short", map[string]string{"VEGA_AI_TIMEOUT": "10ms"}, "VEGA_AI_TIMEOUT"},
		{"timeout not a duration", map[string]string{"VEGA_AI_TIMEOUT": "soon"}, "VEGA_AI_TIMEOUT"},
		{"retention too short", map[string]string{"VEGA_DOCUMENT_RETENTION": "5m"}, "VEGA_DOCUMENT_RETENTION"},
		{"retention negative", map[string]string{"VEGA_DOCUMENT_RETENTION": "-1h"}, "VEGA_DOCUMENT_RETENTION"},
		{"negative quota", map[string]string{"VEGA_QUOTA_CV": "-1"}, "VEGA_QUOTA_CV"},
		{"quota not a number", map[string]string{"VEGA_QUOTA_ANALYSIS": "lots"}, "VEGA_QUOTA_ANALYSIS"},
		{"missing key file", map[string]string{"VEGA_AI_API_KEY_FILE": "/nonexistent/key"}, "VEGA_AI_API_KEY_FILE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(env(tt.vars))
			if err == nil || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("err = %v, want one mentioning %q", err, tt.msg)
			}
		})
	}
}
