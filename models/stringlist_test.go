package models

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
)

func TestStringListScan(t *testing.T) {
	tests := []struct {
		name string
		src  any
		want StringList
	}{
		{"NULL is empty", nil, StringList{}},
		{"empty string is empty", "", StringList{}},
		{"blank is empty", "  ", StringList{}},
		{"JSON null is empty", "null", StringList{}},
		{"empty array", "[]", StringList{}},
		{"JSON array", `["Go","SQL"]`, StringList{"Go", "SQL"}},
		{"bytes", []byte(`["Go"]`), StringList{"Go"}},
		{"legacy comma list", "Go, SQL ,, Docker", StringList{"Go", "SQL", "Docker"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var l StringList = StringList{"stale"}
			if err := l.Scan(tt.src); err != nil {
				t.Fatal(err)
			}
			if l == nil || !reflect.DeepEqual(l, tt.want) {
				t.Errorf("Scan(%#v) = %#v, want %#v", tt.src, l, tt.want)
			}
		})
	}
	var l StringList
	if err := l.Scan(`["unterminated`); err == nil {
		t.Error("Scan of broken JSON succeeded")
	}
	if err := l.Scan(42); err == nil {
		t.Error("Scan of an integer succeeded")
	}
}

func TestStringListValueAndJSON(t *testing.T) {
	for _, l := range []StringList{nil, {}} {
		if v, err := l.Value(); err != nil || v != "[]" {
			t.Errorf("%#v.Value() = %v, %v; want []", l, v, err)
		}
		if b, _ := json.Marshal(l); string(b) != "[]" {
			t.Errorf("json %#v = %s, want []", l, b)
		}
	}
	v, _ := StringList{"Go", `a"b`}.Value()
	if v != `["Go","a\"b"]` {
		t.Errorf("Value = %v", v)
	}
	if got := (StringList{" Go ", "go", "", "  SQL  server "}).clean(); !reflect.DeepEqual(got, StringList{"Go", "SQL server"}) {
		t.Errorf("clean = %#v", got)
	}
}

func TestStringListReadsNullColumnAsEmpty(t *testing.T) {
	s, db := newTestStore(t)
	ctx := context.Background()
	u := mustCreateUser(t, s, "alice")
	j := mustSaveJob(t, s, u.ID, "Engineer", "Acme", "https://jobs.example/1")
	if err := db.Write.Exec("UPDATE jobs SET required_skills = NULL WHERE id = ?", j.ID).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Write.Exec("UPDATE profiles SET skills = NULL WHERE user_id = ?", u.ID).Error; err != nil {
		t.Fatal(err)
	}
	got, err := s.Job(ctx, u.ID, j.ID)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := json.Marshal(got.RequiredSkills); len(got.RequiredSkills) != 0 || string(b) != "[]" {
		t.Errorf("RequiredSkills from NULL = %#v, want empty", got.RequiredSkills)
	}
	p, err := s.Profile(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := json.Marshal(p.Skills); len(p.Skills) != 0 || string(b) != "[]" {
		t.Errorf("Skills from NULL = %#v, want empty", p.Skills)
	}
	// The trigger leaves skills at its default '' — also empty.
	v := mustCreateUser(t, s, "bob")
	if p, err = s.Profile(ctx, v.ID); err != nil || len(p.Skills) != 0 {
		t.Errorf("default skills = %#v, %v", p.Skills, err)
	}
	// A list survives the round trip.
	skills := StringList{"Go", "PostgreSQL"}
	if _, err := s.UpdateJob(ctx, u.ID, j.ID, JobUpdate{RequiredSkills: &skills}); err != nil {
		t.Fatal(err)
	}
	var raw string
	db.Read.Raw("SELECT required_skills FROM jobs WHERE id = ?", j.ID).Scan(&raw)
	if raw != `["Go","PostgreSQL"]` {
		t.Errorf("stored required_skills = %q", raw)
	}
}
