package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vega-ai/vega/models"
)

// TestBackupCopiesALiveDatabase backs up a database while a writer keeps
// saving jobs into it: the command succeeds, the copy passes PRAGMA
// integrity_check and holds at least the jobs saved before it started; a
// second backup to the same file is refused and leaves the copy alone.
func TestBackupCopiesALiveDatabase(t *testing.T) {
	dir := t.TempDir()
	env := testEnv(t, "VEGA_DATA_DIR", dir)
	ctx := context.Background()
	db, err := models.Open(ctx, models.Options{Path: filepath.Join(dir, "vega.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	store := models.NewStore(db)
	u := &models.User{Username: "writer", Role: models.RoleUser}
	if err := store.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	save := func(i int) error {
		url := fmt.Sprintf("https://jobs.example.test/%d", i)
		_, _, err := store.SaveJob(ctx, u.ID, &models.Job{Title: fmt.Sprintf("Job %d", i),
			Description: strings.Repeat("Build and run services. ", 40), SourceURL: &url}, "Acme")
		return err
	}
	for i := 0; i < 500; i++ {
		if err := save(i); err != nil {
			t.Fatal(err)
		}
	}
	var before int64
	if err := db.SQLDB().QueryRow("SELECT COUNT(*) FROM jobs").Scan(&before); err != nil {
		t.Fatal(err)
	}

	// The writer saves jobs until the backup is done (at most 20 s, 20,000 jobs).
	stop := make(chan struct{})
	done := make(chan error, 1)
	var written atomic.Int64
	go func() {
		deadline := time.Now().Add(20 * time.Second)
		for i := 500; i < 20500 && time.Now().Before(deadline); i++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			if err := save(i); err != nil {
				done <- err
				return
			}
			written.Add(1)
		}
		done <- nil
	}()
	for written.Load() < 50 { // the writer is running when the backup starts
		time.Sleep(5 * time.Millisecond)
	}
	file := filepath.Join(t.TempDir(), "backups", "vega-backup.db")
	code, out, errOut := runCLI(t, env, "", "backup", file)
	atBackupEnd := written.Load()
	close(stop)
	if err := <-done; err != nil {
		t.Fatalf("writer: %v", err)
	}
	if code != 0 {
		t.Fatalf("backup exit %d: %s %s", code, out, errOut)
	}
	if !strings.Contains(out, "integrity ok") {
		t.Errorf("backup output %q", out)
	}

	copyDB, err := sql.Open("sqlite", sqliteFileDSN(file, "mode=ro"))
	if err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	var check string
	var n int64
	if err := copyDB.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check of the copy = %q, %v", check, err)
	}
	if err := copyDB.QueryRow("SELECT COUNT(*) FROM jobs").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n < before || n > before+atBackupEnd {
		t.Errorf("copy has %d jobs; %d were saved before the backup and %d during it", n, before, atBackupEnd)
	}
	var users int
	if err := copyDB.QueryRow("SELECT COUNT(*) FROM users WHERE username = 'writer'").Scan(&users); err != nil || users != 1 {
		t.Errorf("copy's users: %d, %v", users, err)
	}
	t.Logf("backup of a live database: %d jobs before, %d written during the run, %d in the copy; %s", before, atBackupEnd, n, strings.TrimSpace(out))

	// The copy is never overwritten.
	st, _ := os.Stat(file)
	code, _, errOut = runCLI(t, env, "", "backup", file)
	if code == 0 || !strings.Contains(errOut, "already exists") {
		t.Errorf("second backup to the same file: exit %d %q, want a refusal", code, errOut)
	}
	if st2, err := os.Stat(file); err != nil || st2.ModTime() != st.ModTime() || st2.Size() != st.Size() {
		t.Errorf("the existing backup was touched")
	}

	// Without a file it is a usage error.
	if code, _, _ := runCLI(t, env, "", "backup"); code != 2 {
		t.Errorf("backup without FILE: exit %d, want 2", code)
	}
}

// TestBackupOnPostgresPointsToItsTools: backup copies SQLite files; on
// PostgreSQL it says which tools to use instead, and touches nothing.
func TestBackupOnPostgresPointsToItsTools(t *testing.T) {
	env := testEnv(t, "VEGA_DATABASE_URL", "postgres://vega@db.internal/vega")
	file := filepath.Join(t.TempDir(), "copy.db")
	code, _, errOut := runCLI(t, env, "", "backup", file)
	if code != 2 || !strings.Contains(errOut, "pg_dump") {
		t.Fatalf("backup on PostgreSQL: exit %d %q, want 2 and a pointer to pg_dump", code, errOut)
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Errorf("a file was written: %v", err)
	}
}

// TestBackupRestores restores a backup as the README says (stop, replace
// vega.db, remove -wal and -shm) and opens it with the server's Open.
func TestBackupRestores(t *testing.T) {
	dir := t.TempDir()
	env := testEnv(t, "VEGA_DATA_DIR", dir)
	ctx := context.Background()
	path := filepath.Join(dir, "vega.db")
	db, err := models.Open(ctx, models.Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	store := models.NewStore(db)
	u := &models.User{Username: "keeper", Role: models.RoleUser}
	if err := store.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "b.db")
	if code, out, errOut := runCLI(t, env, "", "backup", file); code != 0 {
		t.Fatalf("backup: %d %s %s", code, out, errOut)
	}
	if err := store.DeleteUser(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	db.Close()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	os.Remove(path + "-wal")
	os.Remove(path + "-shm")
	db, err = models.Open(ctx, models.Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := models.NewStore(db).UserByUsername(ctx, "keeper"); err != nil {
		t.Errorf("restored database lacks the user: %v", err)
	}
}
