// Package pgtest gives tests a real PostgreSQL server: a throwaway cluster
// that it creates with Debian's postgresql binaries in a temporary directory
// and starts on a free port, or an existing server named by
// VEGA_TEST_POSTGRES. Each test gets its own empty database.
//
// Packages whose tests must pass on both databases call Main from TestMain:
// it runs every test on SQLite, then all of them again on PostgreSQL.
// Nothing is skipped silently: the PostgreSQL pass is left out only when
// VEGA_TEST_POSTGRES=off says so, and a machine without PostgreSQL fails the
// run with the command that installs it.
//
// VEGA_TEST_POSTGRES:
//
//	(unset)        create and start a throwaway cluster (needs initdb and postgres)
//	off            SQLite only; the PostgreSQL pass is reported as switched off
//	postgres://... use that server; its user must be allowed to CREATE DATABASE
package pgtest

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
)

// EnvVar is the environment variable that chooses the PostgreSQL server.
const EnvVar = "VEGA_TEST_POSTGRES"

// InstallHint tells a person how to get the PostgreSQL binaries.
const InstallHint = "install Debian's postgresql package (apt-get install -y postgresql; " +
	"`go tool task test` does it for you) or set " + EnvVar + "=off to run on SQLite only"

var (
	postgresPass atomic.Bool // true while Main runs the PostgreSQL pass

	mu       sync.Mutex
	current  *Server // started on first use
	startErr error
	dbSeq    atomic.Int64
)

// Off reports whether the PostgreSQL runs are switched off.
func Off() bool { return strings.EqualFold(strings.TrimSpace(os.Getenv(EnvVar)), "off") }

// Postgres reports whether the tests are in Main's PostgreSQL pass, so test
// helpers open PostgreSQL instead of a SQLite file.
func Postgres() bool { return postgresPass.Load() }

// Main runs the package's tests on SQLite, then again on PostgreSQL unless
// VEGA_TEST_POSTGRES=off, stops the cluster it started and exits with the
// first failing pass's code. With -test.fuzz, -test.list or a run already
// failed it does not start the second pass.
func Main(m *testing.M) {
	fmt.Println("=== database: sqlite")
	code := m.Run()
	if code == 0 && !singlePass() {
		switch {
		case Off():
			fmt.Printf("=== database: postgres switched off by %s=off\n", EnvVar)
		default:
			fmt.Println("=== database: postgres")
			postgresPass.Store(true)
			code = m.Run()
			postgresPass.Store(false)
		}
	}
	Stop()
	os.Exit(code)
}

// Run runs the package's tests once, stops the cluster if a test started
// one, and exits. It is the TestMain of packages whose PostgreSQL tests open
// their own databases (pgtest.NewDatabase) instead of running every test on
// both databases as Main does.
func Run(m *testing.M) {
	code := m.Run()
	Stop()
	os.Exit(code)
}

// singlePass reports flags under which a second m.Run makes no sense.
func singlePass() bool {
	for _, name := range []string{"test.fuzz", "test.list"} {
		if v := lookupFlag(name); v != "" && v != "false" {
			return true
		}
	}
	return false
}

// NewDatabase creates an empty database for t on the test server, starting
// the server on first use, and returns its URL. The database is dropped when
// t ends. t fails (never skips) when no server can be had.
func NewDatabase(t testing.TB) string {
	t.Helper()
	srv, err := Shared()
	if err != nil {
		t.Fatalf("PostgreSQL for tests: %v", err)
	}
	name := fmt.Sprintf("vega_test_%d_%d", os.Getpid(), dbSeq.Add(1))
	u, err := srv.CreateDatabase(name)
	if err != nil {
		t.Fatalf("PostgreSQL for tests: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.DropDatabase(name); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	return u
}

// Shared returns the process's test server, starting it on first use: the
// one VEGA_TEST_POSTGRES names, or a throwaway cluster.
func Shared() (*Server, error) {
	mu.Lock()
	defer mu.Unlock()
	if current != nil || startErr != nil {
		return current, startErr
	}
	if Off() {
		startErr = fmt.Errorf("%s=off switches PostgreSQL off, but this test needs it", EnvVar)
		return nil, startErr
	}
	if env := strings.TrimSpace(os.Getenv(EnvVar)); env != "" {
		current, startErr = Connect(env)
	} else {
		current, startErr = Start()
	}
	return current, startErr
}

// Stop stops the shared server if this process started it.
func Stop() {
	mu.Lock()
	defer mu.Unlock()
	if current != nil {
		current.Stop()
		current = nil
	}
}

// Server is a PostgreSQL server tests may create databases in.
type Server struct {
	// URL connects to the server's maintenance database as a user who may
	// create databases.
	URL string

	admin *sql.DB
	cmd   *exec.Cmd // nil unless Start started it
	dir   string
	done  chan struct{}
}

// Connect uses the existing server at url.
func Connect(rawURL string) (*Server, error) {
	db, err := sql.Open("pgx", rawURL)
	if err != nil {
		return nil, fmt.Errorf("%s=%q: %w", EnvVar, rawURL, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("%s: cannot reach %s: %w", EnvVar, redact(rawURL), err)
	}
	return &Server{URL: rawURL, admin: db}, nil
}

// BinDir finds the directory of Debian's PostgreSQL server binaries
// (initdb, postgres): pg_config's bindir, the newest
// /usr/lib/postgresql/N/bin, or the directory of initdb on PATH.
func BinDir() (string, error) {
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		dir := strings.TrimSpace(string(out))
		if isFile(filepath.Join(dir, "initdb")) && isFile(filepath.Join(dir, "postgres")) {
			return dir, nil
		}
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(matches, func(i, j int) bool { return version(matches[i]) > version(matches[j]) })
	for _, dir := range matches {
		if isFile(filepath.Join(dir, "initdb")) && isFile(filepath.Join(dir, "postgres")) {
			return dir, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			dir := filepath.Dir(real)
			if isFile(filepath.Join(dir, "postgres")) {
				return dir, nil
			}
		}
	}
	return "", errors.New("the PostgreSQL server (initdb, postgres) is not installed: " + InstallHint)
}

func version(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// Settings chooses how StartWith runs a cluster.
type Settings struct {
	// Durable keeps PostgreSQL's default durability: fsync,
	// synchronous_commit and full_page_writes on, initdb syncing its files.
	// Tests leave it off (a lost test database is no loss); benchmarks that
	// compare with SQLite's durable commits turn it on.
	Durable bool
	// Extra holds further server settings, each "name=value".
	Extra []string
}

// Start creates a cluster in a new temporary directory and starts it on a
// free loopback port, tuned for tests (no fsync). PostgreSQL refuses to run
// as root, so under root the cluster belongs to the "postgres" user that
// Debian's package creates. The server is killed if this process dies.
func Start() (*Server, error) { return StartWith(Settings{}) }

// StartWith is Start with the given settings.
func StartWith(settings Settings) (*Server, error) {
	bin, err := BinDir()
	if err != nil {
		return nil, err
	}
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("running as root, and PostgreSQL will not: no \"postgres\" user to run it as (%v); %s", err, InstallHint)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	}
	dir, err := os.MkdirTemp("", "vega-pgtest-")
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*Server, error) {
		os.RemoveAll(dir)
		return nil, err
	}
	if cred != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			return fail(err)
		}
	}
	data := filepath.Join(dir, "data")
	initArgs := []string{"-D", data, "-U", "vega", "-A", "trust", "-E", "UTF8", "--locale=C"}
	if !settings.Durable {
		initArgs = append(initArgs, "--no-sync")
	}
	initdb := exec.Command(filepath.Join(bin, "initdb"), initArgs...)
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	initdb.Dir = dir
	if out, err := initdb.CombinedOutput(); err != nil {
		return fail(fmt.Errorf("initdb: %v\n%s", err, out))
	}
	port, err := freePort()
	if err != nil {
		return fail(err)
	}
	logFile, err := os.Create(filepath.Join(dir, "postgres.log"))
	if err != nil {
		return fail(err)
	}
	defer logFile.Close()
	if cred != nil {
		_ = logFile.Chown(int(cred.Uid), int(cred.Gid))
	}
	args := []string{"-D", data, "-p", strconv.Itoa(port),
		"-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=" + dir,
		"-c", "max_connections=400", "-c", "shared_buffers=64MB",
		"-c", "timezone=UTC", "-c", "log_min_messages=warning"}
	if !settings.Durable {
		args = append(args, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	}
	for _, kv := range settings.Extra {
		args = append(args, "-c", kv)
	}
	cmd := exec.Command(filepath.Join(bin, "postgres"), args...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// SIGQUIT is PostgreSQL's immediate shutdown: if the test binary dies
	// (a panic, a timeout, kill), the server goes with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGQUIT}
	if err := cmd.Start(); err != nil {
		return fail(fmt.Errorf("start postgres: %w", err))
	}
	s := &Server{
		URL:  fmt.Sprintf("postgres://vega@127.0.0.1:%d/postgres?sslmode=disable", port),
		cmd:  cmd,
		dir:  dir,
		done: make(chan struct{}),
	}
	go func() { _ = cmd.Wait(); close(s.done) }()

	s.admin, _ = sql.Open("pgx", s.URL)
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := s.admin.PingContext(ctx)
		cancel()
		if err == nil {
			break
		}
		select {
		case <-s.done:
			log, _ := os.ReadFile(filepath.Join(dir, "postgres.log"))
			s.Stop()
			return nil, fmt.Errorf("postgres exited at start: %s", log)
		default:
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "postgres.log"))
			s.Stop()
			return nil, fmt.Errorf("postgres did not accept connections within 30s: %v\n%s", err, log)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return s, nil
}

// freePort returns a loopback TCP port nobody listens on right now.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// CreateDatabase creates the empty database name and returns its URL.
func (s *Server) CreateDatabase(name string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := s.admin.ExecContext(ctx, `CREATE DATABASE "`+name+`" TEMPLATE template0 ENCODING 'UTF8'`); err != nil {
		return "", fmt.Errorf("create database %s: %w", name, err)
	}
	u, err := url.Parse(s.URL)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

// DropDatabase drops the database name, closing any connection still open
// to it.
func (s *Server) DropDatabase(name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := s.admin.ExecContext(ctx, `DROP DATABASE IF EXISTS "`+name+`" WITH (FORCE)`)
	return err
}

// Stop shuts a server started by Start down and removes its directory; for
// a server from Connect it only closes the connection.
func (s *Server) Stop() {
	if s.admin != nil {
		s.admin.Close()
	}
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGINT) // fast shutdown
	select {
	case <-s.done:
	case <-time.After(15 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
	os.RemoveAll(s.dir)
}

// redact hides a URL's password.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

// lookupFlag returns the value of the command-line flag name, or "".
func lookupFlag(name string) string {
	if f := flag.Lookup(name); f != nil {
		return f.Value.String()
	}
	return ""
}
