package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm/clause"
)

// Setting is a server-wide value shared by every Vega process on the
// database (table settings).
type Setting struct {
	Name      string `gorm:"primaryKey"`
	Value     string
	CreatedAt time.Time
}

// TableName maps Setting to the settings table.
func (Setting) TableName() string { return "settings" }

// SettingSecret names the setting that holds the generated token-signing
// secret on PostgreSQL.
const SettingSecret = "secret"

// SettingOrInit returns the setting name, storing the value init returns
// when there is none yet. When several processes call it at once, every one
// gets the value of the first to store it.
func (s *Store) SettingOrInit(ctx context.Context, name string, init func() (string, error)) (string, error) {
	var row Setting
	err := findOne(s.write(ctx).Where("name = ?", name), &row, "setting "+name)
	if err == nil {
		return row.Value, nil
	}
	if !isNotFound(err) {
		return "", wrapDB("read setting", err)
	}
	value, err := init()
	if err != nil {
		return "", fmt.Errorf("models: setting %s: %w", name, err)
	}
	row = Setting{Name: name, Value: value, CreatedAt: s.clock()}
	if err := s.write(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
		return "", wrapDB("store setting", err)
	}
	// Whoever stored first wins: read the row back.
	if err := findOne(s.write(ctx).Where("name = ?", name), &row, "setting "+name); err != nil {
		return "", wrapDB("read setting", err)
	}
	return row.Value, nil
}
