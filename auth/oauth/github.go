package oauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"golang.org/x/oauth2"
)

// GitHub's addresses.
const (
	GitHubURL    = "https://github.com"
	GitHubAPIURL = "https://api.github.com"
)

// GitHubConfig configures the GitHub provider.
type GitHubConfig struct {
	// ClientID and ClientSecret are the credentials of Vega's OAuth app.
	ClientID, ClientSecret string
	// RedirectURL is Vega's callback, {base URL}/auth/github/callback.
	RedirectURL string
	// BaseURL serves /login/oauth/authorize and /login/oauth/access_token;
	// empty means GitHubURL. A test points it at a fake.
	BaseURL string
	// APIURL serves /user and /user/emails; empty means GitHubAPIURL.
	APIURL string
	// HTTPClient makes every request to GitHub; nil means DefaultHTTPClient.
	HTTPClient *http.Client
}

// GitHub signs users in with their GitHub account. GitHub is plain OAuth
// 2.0, without ID tokens: the identity is read from the API with the
// access token, GET /user for the numeric id and login and GET
// /user/emails for the verified primary e-mail.
type GitHub struct {
	conf   oauth2.Config
	api    string
	client *http.Client
}

// NewGitHub returns the GitHub provider.
func NewGitHub(cfg GitHubConfig) (*GitHub, error) {
	if cfg.ClientID == "" || cfg.ClientSecret == "" || cfg.RedirectURL == "" {
		return nil, errors.New("oauth: GitHub needs a client id, a client secret and a redirect URL")
	}
	base := strings.TrimRight(cfg.BaseURL, "/")
	if base == "" {
		base = GitHubURL
	}
	api := strings.TrimRight(cfg.APIURL, "/")
	if api == "" {
		api = GitHubAPIURL
	}
	client := cfg.HTTPClient
	if client == nil {
		client = DefaultHTTPClient
	}
	return &GitHub{
		conf: oauth2.Config{
			ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, RedirectURL: cfg.RedirectURL,
			Endpoint: oauth2.Endpoint{AuthURL: base + "/login/oauth/authorize", TokenURL: base + "/login/oauth/access_token",
				AuthStyle: oauth2.AuthStyleInParams},
			Scopes: []string{"read:user", "user:email"},
		},
		api:    api,
		client: client,
	}, nil
}

// ID returns "github".
func (g *GitHub) ID() string { return "github" }

// Name returns "GitHub".
func (g *GitHub) Name() string { return "GitHub" }

// AuthCodeURL returns GitHub's authorization URL for f, with PKCE.
func (g *GitHub) AuthCodeURL(_ context.Context, f Flow) (string, error) {
	return g.conf.AuthCodeURL(f.State, authCodeOptions(f)...), nil
}

// githubUser is the part of GET /user Vega reads.
type githubUser struct {
	ID    int64  `json:"id"`
	Login string `json:"login"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

// githubEmail is one entry of GET /user/emails.
type githubEmail struct {
	Email    string `json:"email"`
	Primary  bool   `json:"primary"`
	Verified bool   `json:"verified"`
}

// Exchange trades code for an access token (sending f's verifier) and
// reads the user's id, login and verified primary e-mail from the API.
func (g *GitHub) Exchange(ctx context.Context, code string, f Flow) (Identity, error) {
	tok, err := g.conf.Exchange(withClient(ctx, g.client), code, oauth2.VerifierOption(f.Verifier))
	if err != nil {
		return Identity{}, fail("the sign-in code was refused", err)
	}
	var u githubUser
	if err := g.get(ctx, tok, "/user", &u); err != nil {
		return Identity{}, fail("GitHub did not share your profile", err)
	}
	if u.ID <= 0 {
		return Identity{}, fail("GitHub did not share your profile", errors.New("oauth: GitHub user without an id"))
	}
	id := Identity{Provider: g.ID(), Subject: strconv.FormatInt(u.ID, 10), Login: u.Login, Name: u.Name, Email: u.Email}
	var emails []githubEmail
	if err := g.get(ctx, tok, "/user/emails", &emails); err != nil {
		return Identity{}, fail("GitHub did not share your e-mail addresses", err)
	}
	for _, e := range emails {
		if e.Primary && e.Verified && e.Email != "" {
			id.Email, id.EmailVerified = e.Email, true
			break
		}
	}
	return id, nil
}

// maxAPIBody bounds what Vega reads of a GitHub API answer.
const maxAPIBody = 1 << 20

// get reads the JSON answer of GitHub API path into dst.
func (g *GitHub) get(ctx context.Context, tok *oauth2.Token, path string, dst any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, g.api+path, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("X-GitHub-Api-Version", "2022-11-28")
	tok.SetAuthHeader(req)
	resp, err := g.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAPIBody))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("oauth: GitHub %s: %s: %.200s", path, resp.Status, body)
	}
	if err := json.Unmarshal(body, dst); err != nil {
		return fmt.Errorf("oauth: GitHub %s: %w", path, err)
	}
	return nil
}
