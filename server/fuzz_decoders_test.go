package server

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/vega-ai/vega/auth"
	"github.com/vega-ai/vega/models"
	"github.com/vega-ai/vega/scraper"
)

// decoderNames are the request decoders FuzzDecoders drives; the fuzzer's
// first input picks one.
var decoderNames = []string{"capture", "legacy-job", "job-patch", "profile", "experience", "education",
	"certification", "import", "auth-credentials", "auth-refresh"}

// clientError reports whether err is one the error handler answers with a
// 4xx: a validation error, a scraper refusal, or a 4xx *fiber.Error.
func clientError(err error) bool {
	var ve *models.ValidationError
	var fe *fiber.Error
	switch {
	case errors.As(err, &ve):
		return len(ve.Fields) > 0
	case errors.As(err, &fe):
		return fe.Code >= 400 && fe.Code < 500
	case errors.Is(err, scraper.ErrTooLarge), errors.Is(err, scraper.ErrInvalidURL), errors.Is(err, models.ErrInvalid):
		return true
	}
	return false
}

// decodeWithFiber runs decodeJSON (the auth endpoints' decoder) on body.
func decodeWithFiber(body []byte, dst any) error {
	app := fiber.New()
	fc := &fasthttp.RequestCtx{}
	fc.Request.SetBody(body)
	c := app.AcquireCtx(fc)
	defer app.ReleaseCtx(c)
	return decodeJSON(c, dst)
}

// roundTrip checks a decoder on body: a refusal must be a client error;
// an accepted value, encoded again and decoded again, must be accepted
// again with the same validated result.
func roundTrip[T any, R any](t *testing.T, body []byte, decode func([]byte, *T) error, validate func(*T) (R, error)) {
	var a T
	if err := decode(body, &a); err != nil {
		if !clientError(err) {
			t.Fatalf("decode refused %q with a non-4xx error %T: %v", body, err, err)
		}
		return
	}
	r1, err := validate(&a)
	if err != nil {
		if !clientError(err) {
			t.Fatalf("validation refused %q with a non-4xx error %T: %v", body, err, err)
		}
		return
	}
	again, err := json.Marshal(&a)
	if err != nil {
		t.Fatalf("accepted %q does not encode: %v", body, err)
	}
	var b T
	if err := decode(again, &b); err != nil {
		t.Fatalf("accepted %q, refused its re-encoding %q: %v", body, again, err)
	}
	r2, err := validate(&b)
	if err != nil {
		t.Fatalf("accepted %q, re-encoding %q fails validation: %v", body, again, err)
	}
	j1, _ := json.Marshal(r1)
	j2, _ := json.Marshal(r2)
	if !reflect.DeepEqual(j1, j2) {
		t.Fatalf("%q and its re-encoding %q validate differently:\n%s\n%s", body, again, j1, j2)
	}
}

// fuzzDecoder runs decoder k on body.
func fuzzDecoder(t *testing.T, k int, body []byte) {
	switch decoderNames[k%len(decoderNames)] {
	case "capture":
		roundTrip(t, body, decodeJSONBytes2[CaptureRequest], func(r *CaptureRequest) (any, error) {
			st, err := r.Check()
			if err != nil {
				return nil, err
			}
			canon, err := scraper.CanonicalURL(r.URL)
			return []any{st, canon}, err
		})
	case "legacy-job":
		roundTrip(t, body, decodeJSONBytes2[LegacyJobRequest], func(r *LegacyJobRequest) (any, error) {
			j, company, err := r.Job()
			return []any{j, company}, err
		})
	case "job-patch":
		// The patch is checked against the raw fields; its re-encoding is
		// the fields it named, normalised.
		u1, err := DecodeJobPatch(body)
		if err != nil {
			if !clientError(err) {
				t.Fatalf("patch %q: non-4xx error %T: %v", body, err, err)
			}
			return
		}
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(body, &raw); err != nil {
			t.Fatalf("accepted patch %q is not JSON: %v", body, err)
		}
		again, _ := json.Marshal(raw)
		u2, err := DecodeJobPatch(again)
		if err != nil {
			t.Fatalf("accepted patch %q, refused %q: %v", body, again, err)
		}
		if !reflect.DeepEqual(u1, u2) {
			t.Fatalf("patch %q and %q differ: %+v %+v", body, again, u1, u2)
		}
	case "profile":
		roundTrip(t, body, func(b []byte, u *models.ProfileUpdate) error {
			var raw map[string]json.RawMessage
			if err := decodeJSONBytes(b, &raw); err != nil {
				return err
			}
			for k := range raw {
				if !profileFields[k] {
					return &models.ValidationError{Fields: map[string]string{k: "is not a profile field"}}
				}
			}
			return decodeJSONBytes(b, u)
		}, func(u *models.ProfileUpdate) (any, error) { return u, nil })
	case "experience":
		roundTrip(t, body, decodeJSONBytes2[ExperienceInput], func(in *ExperienceInput) (any, error) { return in.Model() })
	case "education":
		roundTrip(t, body, decodeJSONBytes2[EducationInput], func(in *EducationInput) (any, error) { return in.Model() })
	case "certification":
		roundTrip(t, body, decodeJSONBytes2[CertificationInput], func(in *CertificationInput) (any, error) { return in.Model() })
	case "import":
		recs, err := readImport(body)
		if err != nil {
			if !clientError(err) {
				t.Fatalf("import %q: non-4xx error %T: %v", body, err, err)
			}
			return
		}
		for i := range recs {
			if _, _, _, err := recs[i].Job(); err != nil && !clientError(err) {
				t.Fatalf("import record %d of %q: non-4xx error %T: %v", i, body, err, err)
			}
		}
	case "auth-credentials":
		roundTrip(t, body, decodeWithFiber2[credentials], func(in *credentials) (any, error) {
			name := strings.TrimSpace(in.Username)
			if err := models.ValidateUsername(name); err != nil {
				return nil, err
			}
			if err := auth.ValidatePassword(in.Password); err != nil {
				return nil, &models.ValidationError{Fields: map[string]string{"password": err.Error()}}
			}
			return name, nil
		})
	case "auth-refresh":
		roundTrip(t, body, decodeWithFiber2[refreshBody], func(in *refreshBody) (any, error) {
			return auth.WellFormedSessionToken(in.RefreshToken), nil
		})
	}
}

func decodeJSONBytes2[T any](b []byte, dst *T) error { return decodeJSONBytes(b, dst) }
func decodeWithFiber2[T any](b []byte, dst *T) error { return decodeWithFiber(b, dst) }

// FuzzDecoders feeds bytes to every JSON request decoder of the API (the
// first input picks which, see decoderNames): none may panic, every refusal
// is a 4xx, and an accepted body, decoded, encoded again and decoded again,
// is accepted again with the same result. Seeds are in
// testdata/fuzz/FuzzDecoders and below.
func FuzzDecoders(f *testing.F) {
	seeds := map[string][]string{
		"capture":          {`{"url":"https://jobs.example.test/1","html":"<h1>Go</h1>","notes":"n","status":"applied"}`, `{"url":"ftp://x","html":""}`, `{"url":"https://x.example/","html":"<p>","status":3}`},
		"legacy-job":       {`{"title":"T","company":"C","description":"D","sourceUrl":"https://x.example/1","jobType":"full_time"}`, `{"title":1}`},
		"job-patch":        {`{"status":"applied","notes":null,"required_skills":["Go"]}`, `{"title":"","job_type":"contract"}`, `{"user_id":1}`},
		"profile":          {`{"first_name":"Ada","industry":"technology","skills":["Go"]}`, `{"email":"x"}`},
		"experience":       {`{"company":"A","title":"B","start_date":"2021-02-01","end_date":"2022-01"}`, `{"company":"A","title":"B","start_date":"tomorrow"}`},
		"education":        {`{"institution":"U","degree":"D","start_date":"2015-09"}`},
		"certification":    {`{"name":"N","issuing_org":"O","issue_date":"2022-01-01","credential_url":"https://x.example/c"}`},
		"import":           {`{"format":"vega-jobs-v1","jobs":[{"title":"I","company":"C","description":"x"}]}`, `[{"title":"I","company":{"name":"C"}}]`, "title,company,description\nI,C,x\n"},
		"auth-credentials": {`{"username":"ada","password":"password-ada"}`, `{"username":"a\u0000","password":"x"}`},
		"auth-refresh":     {`{"refresh_token":"abc"}`},
	}
	for i, name := range decoderNames {
		for _, s := range seeds[name] {
			f.Add(uint8(i), []byte(s))
		}
	}
	f.Fuzz(func(t *testing.T, k uint8, body []byte) {
		fuzzDecoder(t, int(k), body)
	})
}
