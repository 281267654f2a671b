// Package models holds Vega AI's data: the GORM models of every table in the
// schema (see migrations/), the enumerations stored as integers (JobStatus,
// JobType, Industry), the error vocabulary (ErrNotFound, ErrConflict,
// ErrInvalid, ErrNoOwner; see errors.go) and the Store, which runs every
// query the application needs.
//
// How it keeps users apart: every Store method on user data takes the user
// id as an argument and puts it in the query (ForUser, ForProfileOwner), so
// another user's row is simply not found. Companies are the one shared
// table.
//
// How it writes: Open gives a single-connection write pool whose
// transactions begin IMMEDIATE, so a Store write transaction is the only
// writer, and a check followed by an insert in one transaction cannot race
// (UpsertCompany's case-insensitive lookup, SaveJob's per-URL dedupe). The
// inserts are still written ON CONFLICT DO NOTHING plus a re-read, which
// keeps them correct on a database with concurrent writers.
//
// Times are stored in UTC, in the driver's text format, so that they sort in
// time order as text.
//
// The package never imports the web framework or the server.
package models
