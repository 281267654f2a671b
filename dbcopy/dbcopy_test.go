package dbcopy

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vega-ai/vega/internal/pgtest"
	"github.com/vega-ai/vega/models"
)

func TestMain(m *testing.M) { pgtest.Run(m) }

// needPostgres skips t, saying so, when PostgreSQL is switched off: every
// copy needs a PostgreSQL target.
func needPostgres(t *testing.T) {
	t.Helper()
	if pgtest.Off() {
		t.Skip(pgtest.EnvVar + "=off: copying to PostgreSQL needs a PostgreSQL server")
	}
}

// openSource opens a new, migrated SQLite database in t.TempDir.
func openSource(t *testing.T) (*models.DB, *models.Store) {
	t.Helper()
	db, err := models.Open(context.Background(), models.Options{Path: filepath.Join(t.TempDir(), "vega.db")})
	if err != nil {
		t.Fatalf("open the source: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db, models.NewStore(db)
}

// openTarget opens a new, migrated, empty PostgreSQL database.
func openTarget(t *testing.T) (*models.DB, *models.Store) {
	t.Helper()
	db, err := models.Open(context.Background(), models.Options{URL: pgtest.NewDatabase(t)})
	if err != nil {
		t.Fatalf("open the target: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db, models.NewStore(db)
}

// must fails t on err.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func hash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func ptr[T any](v T) *T { return &v }

// fixture is what seed stored.
type fixture struct {
	ada, bob    *models.User // ada has a password, bob signs in with GitHub only
	adaJobs     []int64
	webToken    string // bob's dashboard session token
	refreshHash string // the hash of ada's current refresh token
}

// seed fills the source through the Store with a row in every table: users
// with and without a password (one deleted, leaving an id gap), an OAuth
// identity, jobs with details and an analysis, a generated document, web and
// API sessions (one rotated), a redeemed auth code, quota rows, a profile
// with work experience, education and a certification, a setting and
// rate-limit counters.
func seed(t *testing.T, s *models.Store) fixture {
	t.Helper()
	ctx := context.Background()
	var f fixture

	f.ada = &models.User{Username: "ada", Password: ptr("$2a$10$abcdefghijklmnopqrstuu0123456789abcdefghijklmnopqrstu"), Role: models.RoleAdmin}
	must(t, s.CreateUser(ctx, f.ada))
	gone := &models.User{Username: "gone"}
	must(t, s.CreateUser(ctx, gone))
	must(t, s.DeleteUser(ctx, gone.ID))
	must(t, s.TouchLastLogin(ctx, f.ada.ID, time.Now().Add(-time.Hour)))
	bob, err := s.CreateUserWithIdentity(ctx, "bob", &models.Identity{Provider: "github", Subject: "4242", Email: "bob@example.com", Login: "bobby"})
	must(t, err)
	f.bob = bob

	url1 := "https://boards.example.com/jobs/1"
	j1, _, created, err := s.SaveJobWith(ctx, f.ada.ID, &models.Job{
		Title: "Platform Engineer", Description: "Run the platform.", Location: ptr("Berlin"),
		SourceURL: &url1, RequiredSkills: models.StringList{"Go", "PostgreSQL"},
	}, "Acme", models.SaveOptions{
		Details: &models.JobDetails{DescriptionHTML: "<p>Run the platform.</p>", Workplace: "hybrid",
			Salary: &models.Salary{Min: 70000, Max: 90000, Currency: "EUR", Period: "year"}},
		PageURL: "https://boards.example.com/jobs?id=1",
	})
	must(t, err)
	if !created {
		t.Fatal("first job not created")
	}
	f.adaJobs = append(f.adaJobs, j1.ID)
	for i := 2; i <= 4; i++ {
		u := fmt.Sprintf("https://boards.example.com/jobs/%d", i)
		j, _, err := s.SaveJob(ctx, f.ada.ID, &models.Job{Title: fmt.Sprintf("Job %d", i), Description: "Things to do.", SourceURL: &u}, "Initech")
		must(t, err)
		f.adaJobs = append(f.adaJobs, j.ID)
	}
	must(t, s.DeleteJob(ctx, f.ada.ID, f.adaJobs[2])) // an id gap in jobs
	f.adaJobs = slices.Delete(f.adaJobs, 2, 3)
	_, err = s.UpdateJob(ctx, f.ada.ID, f.adaJobs[1], models.JobUpdate{Notes: ptr("Call back on Monday"), Status: ptr(models.JobStatusApplied)})
	must(t, err)
	_, err = s.SaveJobAnalysis(ctx, f.ada.ID, &models.JobAnalysis{JobID: j1.ID, Score: 87, Result: `{"matched":["Go"]}`, ProfileUpdatedAt: ptr(time.Now().UTC())})
	must(t, err)
	_, _, err = s.SaveJob(ctx, f.bob.ID, &models.Job{Title: "Data Engineer", Description: "Pipelines."}, "acme")
	must(t, err)

	must(t, s.CreateDocument(ctx, f.ada.ID, &models.GeneratedDocument{JobID: &j1.ID, DocumentType: "cover_letter",
		Content: "<p>Dear Acme,</p>", Metadata: ptr(`{"tone":"warm"}`), ExpiresAt: ptr(time.Now().Add(90 * 24 * time.Hour))}))

	expires := time.Now().Add(30 * 24 * time.Hour)
	must(t, s.CreateSession(ctx, &models.Session{UserID: f.ada.ID, TokenHash: hash("refresh-1"), FamilyID: "fam-ada", Kind: models.SessionAPI, ExpiresAt: expires, UserAgent: "ext"}))
	f.refreshHash = hash("refresh-2")
	_, err = s.RotateSession(ctx, hash("refresh-1"), f.refreshHash, expires, "ext", "127.0.0.1")
	must(t, err)
	f.webToken = "web-token-bob"
	must(t, s.CreateSession(ctx, &models.Session{UserID: f.bob.ID, TokenHash: hash(f.webToken), FamilyID: "fam-bob", Kind: models.SessionWeb, ExpiresAt: expires}))

	must(t, s.CreateAuthCode(ctx, f.bob.ID, hash("code-1"), time.Now().Add(time.Minute)))
	_, err = s.RedeemAuthCode(ctx, hash("code-1"))
	must(t, err)
	must(t, s.CreateAuthCode(ctx, f.bob.ID, hash("code-2"), time.Now().Add(time.Minute)))

	_, err = s.UseQuota(ctx, f.ada.ID, models.QuotaCharge{Type: models.QuotaAnalysis, Limit: 10, JobID: &j1.ID, OncePerJob: true})
	must(t, err)
	_, err = s.UseQuota(ctx, f.ada.ID, models.QuotaCharge{Type: models.QuotaCoverLetter, Limit: 5})
	must(t, err)

	_, err = s.UpdateProfile(ctx, f.ada.ID, models.ProfileUpdate{FirstName: ptr("Ada"), LastName: ptr("Lovelace"),
		Title: ptr("Engineer"), Skills: &models.StringList{"Go", "SQL"}, Email: ptr("ada@example.com"),
		Industry: ptr(models.IndustryTechnology)})
	must(t, err)
	must(t, s.CreateWorkExperience(ctx, f.ada.ID, &models.WorkExperience{Company: "Acme", Title: "Engineer",
		StartDate: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), Current: true}))
	must(t, s.CreateWorkExperience(ctx, f.ada.ID, &models.WorkExperience{Company: "Initech", Title: "Intern",
		StartDate: time.Date(2018, 6, 1, 0, 0, 0, 0, time.UTC), EndDate: ptr(time.Date(2019, 12, 31, 0, 0, 0, 0, time.UTC)),
		Description: ptr("Printers.")}))
	must(t, s.CreateEducation(ctx, f.ada.ID, &models.Education{Institution: "University", Degree: "BSc",
		FieldOfStudy: ptr("Mathematics"), StartDate: time.Date(2014, 9, 1, 0, 0, 0, 0, time.UTC)}))
	must(t, s.CreateCertification(ctx, f.ada.ID, &models.Certification{Name: "CKA", IssuingOrg: "CNCF",
		IssueDate: time.Date(2022, 3, 1, 0, 0, 0, 0, time.UTC), CredentialURL: ptr("https://example.com/cka")}))

	_, err = s.SettingOrInit(ctx, "copy_test", func() (string, error) { return "value", nil })
	must(t, err)
	_, _, err = s.TakeRateLimit(ctx, 10, time.Hour, "login|ip:192.0.2.1", "login|user:ada")
	must(t, err)
	return f
}

// tableNames lists the application tables of a SQLite database.
func tableNames(t *testing.T, db *models.DB) []string {
	t.Helper()
	rows, err := db.SQLDB().Query(`SELECT name FROM sqlite_master WHERE type = 'table'
		AND name NOT LIKE 'sqlite%' AND name <> 'schema_migrations' ORDER BY name`)
	must(t, err)
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		must(t, rows.Scan(&n))
		names = append(names, n)
	}
	must(t, rows.Err())
	return names
}

// dump reads every row of table from db, ordered by its first column (the
// primary key of every Vega table), with values normalised for comparison:
// times in UTC to the microsecond, booleans as 0 and 1, bytes as strings.
func dump(t *testing.T, db *sql.DB, table string, cols []string) [][]any {
	t.Helper()
	q := fmt.Sprintf("SELECT %s FROM %s ORDER BY %s", strings.Join(cols, ", "), table, cols[0])
	if table == "job_details" || table == "job_analyses" {
		q = fmt.Sprintf("SELECT %s FROM %s ORDER BY job_id", strings.Join(cols, ", "), table)
	}
	rows, err := db.Query(q)
	must(t, err)
	defer rows.Close()
	var out [][]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		must(t, rows.Scan(ptrs...))
		for i, v := range vals {
			switch x := v.(type) {
			case time.Time:
				vals[i] = x.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano)
			case bool:
				vals[i] = int64(0)
				if x {
					vals[i] = int64(1)
				}
			case []byte:
				vals[i] = string(x)
			}
		}
		out = append(out, vals)
	}
	must(t, rows.Err())
	return out
}

// columns lists a SQLite table's columns.
func columns(t *testing.T, db *models.DB, table string) []string {
	t.Helper()
	rows, err := db.SQLDB().Query(`SELECT name FROM pragma_table_info(?) ORDER BY cid`, table)
	must(t, err)
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var c string
		must(t, rows.Scan(&c))
		cols = append(cols, c)
	}
	return cols
}

// count returns the rows of table in db.
func count(t *testing.T, db *models.DB, table string) int64 {
	t.Helper()
	var n int64
	must(t, db.SQLDB().QueryRow("SELECT count(*) FROM "+table).Scan(&n))
	return n
}

// TestCopyCopiesEveryTableExactly seeds every table of a SQLite database
// through the Store, copies it, and compares every row of every table
// column by column; then uses the target through the Store: the same jobs,
// the same password hash, identity and session lookups, and new rows get
// fresh ids (sequences reset) and a new user a profile (trigger enabled).
func TestCopyCopiesEveryTableExactly(t *testing.T) {
	needPostgres(t)
	ctx := context.Background()
	src, srcStore := openSource(t)
	f := seed(t, srcStore)
	dst, dstStore := openTarget(t)

	var logged []string
	rep, err := Copy(ctx, src, dst, func(table string, rows int64) { logged = append(logged, fmt.Sprintf("%s=%d", table, rows)) })
	if err != nil {
		t.Fatalf("Copy: %v", err)
	}
	t.Logf("copied %d rows: %s", rep.Rows, strings.Join(logged, " "))

	tables := tableNames(t, src)
	if len(rep.Tables) != len(tables) || len(logged) != len(tables) {
		t.Errorf("report has %d tables and log %d, the source %d", len(rep.Tables), len(logged), len(tables))
	}
	reported := map[string]int64{}
	for _, tr := range rep.Tables {
		reported[tr.Name] = tr.Rows
	}
	var total int64
	for _, table := range tables {
		n := count(t, src, table)
		total += n
		if n == 0 {
			t.Errorf("the seed left table %s empty: add rows to it in seed, so this test checks its copy", table)
		}
		if reported[table] != n {
			t.Errorf("report: %s has %d rows, the source %d", table, reported[table], n)
		}
		cols := columns(t, src, table)
		want, got := dump(t, src.SQLDB(), table, cols), dump(t, dst.SQLDB(), table, cols)
		if len(got) != len(want) {
			t.Errorf("%s: the target has %d rows, the source %d", table, len(got), len(want))
			continue
		}
		for r := range want {
			for c := range cols {
				if !reflect.DeepEqual(want[r][c], got[r][c]) {
					t.Errorf("%s row %v column %s: target %#v, source %#v", table, want[r][0], cols[c], got[r][c], want[r][c])
				}
			}
		}
	}
	if rep.Rows != total || rep.Repaired != 0 {
		t.Errorf("report: %d rows, %d repaired; want %d rows, 0 repaired", rep.Rows, rep.Repaired, total)
	}

	// The application works on the target.
	jobs, n, err := dstStore.Jobs(ctx, f.ada.ID, models.JobFilter{})
	must(t, err)
	var ids []int64
	for _, j := range jobs {
		ids = append(ids, j.ID)
		if j.Company == nil || j.Company.Name == "" {
			t.Errorf("job %d lost its company", j.ID)
		}
	}
	slices.Sort(ids)
	if n != int64(len(f.adaJobs)) || !slices.Equal(ids, f.adaJobs) {
		t.Errorf("ada's jobs on the target: %v (total %d), want %v", ids, n, f.adaJobs)
	}
	ada, err := dstStore.UserByUsername(ctx, "ada")
	must(t, err)
	if ada.ID != f.ada.ID || !ada.HasPassword() || *ada.Password != *f.ada.Password || !ada.IsAdmin() || ada.LastLogin == nil {
		t.Errorf("ada on the target: %+v", ada)
	}
	bobID, err := dstStore.IdentityBySubject(ctx, "github", "4242")
	must(t, err)
	bob, err := dstStore.User(ctx, bobID.UserID)
	must(t, err)
	if bob.ID != f.bob.ID || bob.HasPassword() {
		t.Errorf("bob on the target: %+v", bob)
	}
	if sess, err := dstStore.SessionByToken(ctx, models.SessionWeb, hash(f.webToken)); err != nil || sess.UserID != f.bob.ID {
		t.Errorf("bob's dashboard session on the target: %+v, %v", sess, err)
	}
	if _, err := dstStore.RotateSession(ctx, f.refreshHash, hash("refresh-3"), time.Now().Add(time.Hour), "ext", ""); err != nil {
		t.Errorf("rotate ada's refresh token on the target: %v", err)
	}
	full, err := dstStore.FullProfile(ctx, f.ada.ID)
	must(t, err)
	if full.FirstName != "Ada" || len(full.WorkExperiences) != 2 || !full.WorkExperiences[0].Current ||
		len(full.Education) != 1 || len(full.Certifications) != 1 {
		t.Errorf("ada's profile on the target: %+v", full)
	}

	// New rows get ids past the copied ones, and a new user gets a profile.
	var maxUser, maxJob, maxProfile int64
	must(t, src.SQLDB().QueryRow("SELECT MAX(id) FROM users").Scan(&maxUser))
	must(t, src.SQLDB().QueryRow("SELECT MAX(id) FROM jobs").Scan(&maxJob))
	must(t, src.SQLDB().QueryRow("SELECT MAX(id) FROM profiles").Scan(&maxProfile))
	eve := &models.User{Username: "eve"}
	must(t, dstStore.CreateUser(ctx, eve))
	if eve.ID <= maxUser {
		t.Errorf("new user id %d, want more than %d", eve.ID, maxUser)
	}
	p, err := dstStore.Profile(ctx, eve.ID)
	if err != nil || p.ID <= maxProfile {
		t.Errorf("new user's profile: %+v, %v (the trigger must be enabled again)", p, err)
	}
	j, _, err := dstStore.SaveJob(ctx, eve.ID, &models.Job{Title: "New", Description: "New job."}, "Newco")
	must(t, err)
	if j.ID <= maxJob {
		t.Errorf("new job id %d, want more than %d", j.ID, maxJob)
	}
}

// TestCopyRefusesATargetWithRows leaves a target that holds a user alone.
func TestCopyRefusesATargetWithRows(t *testing.T) {
	needPostgres(t)
	ctx := context.Background()
	src, srcStore := openSource(t)
	seed(t, srcStore)
	dst, dstStore := openTarget(t)
	must(t, CheckEmpty(ctx, dst))
	must(t, dstStore.CreateUser(ctx, &models.User{Username: "already"}))

	if err := CheckEmpty(ctx, dst); !errors.Is(err, ErrNotEmpty) {
		t.Errorf("CheckEmpty = %v, want ErrNotEmpty", err)
	}
	_, err := Copy(ctx, src, dst, nil)
	if !errors.Is(err, ErrNotEmpty) {
		t.Fatalf("Copy = %v, want ErrNotEmpty", err)
	}
	t.Logf("refused: %v", err)
	for table, want := range map[string]int64{"users": 1, "profiles": 1, "jobs": 0, "companies": 0} {
		if n := count(t, dst, table); n != want {
			t.Errorf("target's %s: %d rows, want %d", table, n, want)
		}
	}
}

// TestCopyRollsBackOnAFailedRow makes the target refuse one job in the
// middle of a table of 2,500 (a CHECK constraint only the target has): the
// error names the table and the row, and every table of the target is left
// empty, its trigger enabled and its sequences untouched.
func TestCopyRollsBackOnAFailedRow(t *testing.T) {
	needPostgres(t)
	ctx := context.Background()
	src, srcStore := openSource(t)
	f := seed(t, srcStore)
	err := src.Write.WithContext(ctx).Exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2500)
		INSERT INTO jobs (user_id, title, description, company_id, created_at, updated_at)
		SELECT ?, CASE WHEN i = 1700 THEN 'Reject me' ELSE 'Bulk ' || i END, 'Bulk job.',
			(SELECT MIN(id) FROM companies), '2024-05-01 10:00:00', '2024-05-01 10:00:00' FROM n`, f.ada.ID).Error
	must(t, err)
	var badID int64
	must(t, src.SQLDB().QueryRow(`SELECT id FROM jobs WHERE title = 'Reject me'`).Scan(&badID))

	dst, dstStore := openTarget(t)
	_, err = dst.SQLDB().Exec(`ALTER TABLE jobs ADD CONSTRAINT test_reject CHECK (title <> 'Reject me')`)
	must(t, err)
	_, err = Copy(ctx, src, dst, nil)
	var re *RowError
	if !errors.As(err, &re) || re.Table != "jobs" || re.Row != fmt.Sprintf("id=%d", badID) {
		t.Fatalf("Copy = %v, want a *RowError for jobs id=%d", err, badID)
	}
	if !strings.Contains(err.Error(), "jobs") || !strings.Contains(err.Error(), fmt.Sprintf("id=%d", badID)) {
		t.Errorf("error %q does not name the table and row", err)
	}
	t.Logf("failed as it should: %v", err)
	for _, table := range tableNames(t, src) {
		if n := count(t, dst, table); n != 0 {
			t.Errorf("after the failed copy the target's %s has %d rows", table, n)
		}
	}
	u := &models.User{Username: "first"}
	must(t, dstStore.CreateUser(ctx, u))
	if u.ID != 1 {
		t.Errorf("first user after a failed copy has id %d, want 1", u.ID)
	}
	if _, err := dstStore.Profile(ctx, u.ID); err != nil {
		t.Errorf("the profile trigger is not enabled after a failed copy: %v", err)
	}
}

// TestCopyRepairsTextPostgresCannotStore copies text with a NUL byte and
// invalid UTF-8, which PostgreSQL refuses: the copy succeeds with the NUL
// dropped and the bad bytes replaced, and reports the value.
func TestCopyRepairsTextPostgresCannotStore(t *testing.T) {
	needPostgres(t)
	ctx := context.Background()
	src, srcStore := openSource(t)
	f := seed(t, srcStore)
	id := f.adaJobs[0]
	must(t, src.Write.WithContext(ctx).Exec(`UPDATE jobs SET notes = ? WHERE id = ?`, "a\x00b\xff\xfec", id).Error)
	var stored string
	must(t, src.SQLDB().QueryRow(`SELECT notes FROM jobs WHERE id = ?`, id).Scan(&stored))
	if stored != "a\x00b\xff\xfec" {
		t.Fatalf("the source holds %q, not the bytes written", stored)
	}

	dst, dstStore := openTarget(t)
	rep, err := Copy(ctx, src, dst, nil)
	if err != nil {
		t.Fatalf("Copy: %v", err)
	}
	want := Repair{Table: "jobs", Row: fmt.Sprintf("id=%d", id), Column: "notes"}
	if rep.Repaired != 1 || len(rep.Repairs) != 1 || rep.Repairs[0] != want {
		t.Errorf("report: %d repaired %v, want 1 %v", rep.Repaired, rep.Repairs, want)
	}
	j, err := dstStore.Job(ctx, f.ada.ID, id)
	must(t, err)
	if j.Notes == nil || *j.Notes != "ab\uFFFDc" {
		t.Errorf("notes on the target: %q, want %q", deref(j.Notes), "ab\uFFFDc")
	}
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

// TestCopyRefusesATimeItCannotRead stops at a created_at that is not a
// time, naming the table, the row and the column, and writes nothing.
func TestCopyRefusesATimeItCannotRead(t *testing.T) {
	needPostgres(t)
	ctx := context.Background()
	src, srcStore := openSource(t)
	f := seed(t, srcStore)
	must(t, src.Write.WithContext(ctx).Exec(`UPDATE jobs SET created_at = 'last tuesday' WHERE id = ?`, f.adaJobs[1]).Error)

	dst, _ := openTarget(t)
	_, err := Copy(ctx, src, dst, nil)
	var re *RowError
	if !errors.As(err, &re) || re.Table != "jobs" || re.Row != fmt.Sprintf("id=%d", f.adaJobs[1]) || re.Column != "created_at" {
		t.Fatalf("Copy = %v, want a *RowError for jobs id=%d created_at", err, f.adaJobs[1])
	}
	if n := count(t, dst, "users"); n != 0 {
		t.Errorf("the target has %d users after the failed copy", n)
	}
}

// TestCopyOrderCoversTheSchema computes the copy plan on the real schema:
// it holds every table of the migrated schema (so a new migration's table
// is copied), puts each table after every table its foreign keys reference,
// and has no table the target lacks.
func TestCopyOrderCoversTheSchema(t *testing.T) {
	needPostgres(t)
	ctx := context.Background()
	src, _ := openSource(t)
	dst, _ := openTarget(t)

	read, err := src.Read.DB()
	must(t, err)
	srcTx, err := read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	must(t, err)
	defer srcTx.Rollback()
	tables, err := sourceTables(ctx, srcTx)
	must(t, err)
	target, err := describeTarget(ctx, dst.SQLDB())
	must(t, err)
	must(t, target.match(tables))
	var names []string
	for _, tb := range tables {
		names = append(names, tb.name)
		if len(tb.pk) == 0 {
			t.Errorf("table %s has no primary key to name its rows by", tb.name)
		}
	}
	plan, err := order(names, target.refs)
	must(t, err)
	t.Logf("copy order: %s", strings.Join(plan, ", "))

	if got, want := slices.Sorted(slices.Values(plan)), tableNames(t, src); !slices.Equal(got, want) {
		t.Errorf("plan %v, want the tables %v", got, want)
	}
	if !slices.Equal(slices.Sorted(slices.Values(plan)), target.names) {
		t.Errorf("plan %v, the target's tables %v", plan, target.names)
	}
	pos := map[string]int{}
	for i, n := range plan {
		pos[n] = i
	}
	edges := 0
	for child, parents := range target.refs {
		for _, p := range parents {
			edges++
			if p != child && pos[p] >= pos[child] {
				t.Errorf("%s comes before %s, which it references", child, p)
			}
		}
	}
	if edges == 0 {
		t.Error("no foreign keys found on the target")
	}
	if pos["users"] > pos["profiles"] || pos["profiles"] > pos["work_experiences"] || pos["companies"] > pos["jobs"] {
		t.Errorf("order %v", plan)
	}
}

// TestOrder checks the ordering rule on small graphs.
func TestOrder(t *testing.T) {
	got, err := order([]string{"b", "a", "c", "d"}, map[string][]string{"b": {"a"}, "c": {"c"}, "d": {"elsewhere", "b"}})
	if err != nil || !slices.Equal(got, []string{"a", "b", "c", "d"}) {
		t.Errorf("order = %v, %v", got, err)
	}
	if _, err := order([]string{"x", "y"}, map[string][]string{"x": {"y"}, "y": {"x"}}); err == nil {
		t.Error("a cycle was ordered")
	}
}

// TestConvert checks the conversions of SQLite values for PostgreSQL.
func TestConvert(t *testing.T) {
	at := time.Date(2024, 5, 1, 10, 0, 0, 123456000, time.UTC)
	cases := []struct {
		k        kind
		in, want any
		repaired bool
	}{
		{kindBool, int64(1), true, false},
		{kindBool, int64(0), false, false},
		{kindBool, "true", true, false},
		{kindInt, int64(42), int64(42), false},
		{kindInt, "42", int64(42), false},
		{kindInt, float64(3), int64(3), false},
		{kindText, "plain", "plain", false},
		{kindText, "a\x00b", "ab", true},
		{kindText, "bad \xff\xfe byte", "bad \uFFFD byte", true},
		{kindText, []byte("bytes"), "bytes", false},
		{kindTime, at.In(time.FixedZone("CEST", 2*3600)), at, false},
		{kindTime, time.Date(2024, 5, 1, 10, 0, 0, 123456789, time.UTC), at, false},
		{kindTime, "2024-05-01 10:00:00.123456+00:00", at, false},
		{kindTime, "2024-05-01 12:00:00.123456+02:00", at, false},
		{kindTime, "2024-05-01T10:00:00.123456Z", at, false},
		{kindTime, "2024-05-01 10:00:00", at.Truncate(time.Second), false},
		{kindTime, "2024-05-01 10:00:00.123456 +0000 UTC", at, false},
		{kindOther, 1.5, 1.5, false},
		{kindInt, nil, nil, false},
	}
	for _, c := range cases {
		got, repaired, err := convert(c.k, c.in)
		if err != nil {
			t.Errorf("convert(%d, %#v): %v", c.k, c.in, err)
			continue
		}
		if tm, ok := got.(time.Time); ok {
			if want := c.want.(time.Time); !tm.Equal(want) || tm.Location() != time.UTC {
				t.Errorf("convert(%d, %#v) = %v, want %v in UTC", c.k, c.in, tm, want)
			}
		} else if !reflect.DeepEqual(got, c.want) {
			t.Errorf("convert(%d, %#v) = %#v, want %#v", c.k, c.in, got, c.want)
		}
		if repaired != c.repaired {
			t.Errorf("convert(%d, %#v) repaired = %v", c.k, c.in, repaired)
		}
	}
	for _, bad := range []struct {
		k  kind
		in any
	}{{kindTime, "yesterday"}, {kindTime, int64(1714557600)}, {kindBool, "maybe"}, {kindInt, "4x"}, {kindInt, 1.5}} {
		if got, _, err := convert(bad.k, bad.in); err == nil {
			t.Errorf("convert(%d, %#v) = %#v, want an error", bad.k, bad.in, got)
		}
	}
}
