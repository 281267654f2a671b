package models

import "time"

// Timestamps are written by the Store in UTC, so that their text form in
// SQLite sorts in time order. GORM's automatic timestamps are turned off
// (autoCreateTime:false, autoUpdateTime:false) because GORM's clock is local
// time.

// Role is a user's role: RoleUser or RoleAdmin.
type Role string

// The roles a user can have.
const (
	RoleUser  Role = "user"
	RoleAdmin Role = "admin"
)

// Valid reports whether r is RoleUser or RoleAdmin.
func (r Role) Valid() bool { return r == RoleUser || r == RoleAdmin }

// User is an account. Password holds a bcrypt hash, or nil for users who
// sign in only through OAuth; it is never written to JSON.
type User struct {
	ID        int64      `gorm:"column:id;primaryKey" json:"id"`
	Username  string     `gorm:"column:username" json:"username"`
	Password  *string    `gorm:"column:password" json:"-"`
	Role      Role       `gorm:"column:role" json:"role"`
	LastLogin *time.Time `gorm:"column:last_login" json:"last_login"`
	CreatedAt time.Time  `gorm:"column:created_at;autoCreateTime:false" json:"created_at"`
	UpdatedAt time.Time  `gorm:"column:updated_at;autoUpdateTime:false" json:"updated_at"`
}

// TableName returns "users".
func (User) TableName() string { return "users" }

// IsAdmin reports whether the user has the admin role.
func (u *User) IsAdmin() bool { return u.Role == RoleAdmin }

// HasPassword reports whether the user can sign in with a password.
func (u *User) HasPassword() bool { return u.Password != nil && *u.Password != "" }

// Company is an employer. Companies are shared by every user: one row per
// name, compared case-insensitively, and reused by all users' jobs.
type Company struct {
	ID        int64     `gorm:"column:id;primaryKey" json:"id"`
	Name      string    `gorm:"column:name" json:"name"`
	CreatedAt time.Time `gorm:"column:created_at;autoCreateTime:false" json:"created_at"`
	UpdatedAt time.Time `gorm:"column:updated_at;autoUpdateTime:false" json:"updated_at"`
}

// TableName returns "companies".
func (Company) TableName() string { return "companies" }

// Job is a job posting a user saved. SourceURL, the page it was captured
// from, is unique per user; nil means the job was entered by hand.
type Job struct {
	ID             int64      `gorm:"column:id;primaryKey" json:"id"`
	UserID         int64      `gorm:"column:user_id" json:"-"`
	Title          string     `gorm:"column:title" json:"title"`
	Description    string     `gorm:"column:description" json:"description"`
	Location       *string    `gorm:"column:location" json:"location"`
	JobType        JobType    `gorm:"column:job_type" json:"job_type"`
	SourceURL      *string    `gorm:"column:source_url" json:"source_url"`
	RequiredSkills StringList `gorm:"column:required_skills" json:"required_skills"`
	ApplicationURL *string    `gorm:"column:application_url" json:"application_url"`
	CompanyID      int64      `gorm:"column:company_id" json:"company_id"`
	Company        *Company   `gorm:"foreignKey:CompanyID;references:ID" json:"company,omitempty"`
	Status         JobStatus  `gorm:"column:status" json:"status"`
	MatchScore     *int       `gorm:"column:match_score" json:"match_score"`
	Notes          *string    `gorm:"column:notes" json:"notes"`
	CreatedAt      time.Time  `gorm:"column:created_at;autoCreateTime:false" json:"created_at"`
	UpdatedAt      time.Time  `gorm:"column:updated_at;autoUpdateTime:false" json:"updated_at"`
}

// TableName returns "jobs".
func (Job) TableName() string { return "jobs" }

// Profile is a user's résumé data, one per user, created by a database
// trigger when the user is created. Its work experiences, education and
// certifications are filled only by Store.FullProfile.
type Profile struct {
	ID              int64      `gorm:"column:id;primaryKey" json:"id"`
	UserID          int64      `gorm:"column:user_id" json:"-"`
	FirstName       string     `gorm:"column:first_name" json:"first_name"`
	LastName        string     `gorm:"column:last_name" json:"last_name"`
	Title           string     `gorm:"column:title" json:"title"`
	Industry        Industry   `gorm:"column:industry;serializer:industry" json:"industry"`
	CareerSummary   string     `gorm:"column:career_summary" json:"career_summary"`
	Skills          StringList `gorm:"column:skills" json:"skills"`
	PhoneNumber     string     `gorm:"column:phone_number" json:"phone_number"`
	Email           string     `gorm:"column:email" json:"email"`
	Location        string     `gorm:"column:location" json:"location"`
	LinkedInProfile string     `gorm:"column:linkedin_profile" json:"linkedin_profile"`
	GitHubProfile   string     `gorm:"column:github_profile" json:"github_profile"`
	Website         string     `gorm:"column:website" json:"website"`
	Context         string     `gorm:"column:context" json:"context"`
	CreatedAt       time.Time  `gorm:"column:created_at;autoCreateTime:false" json:"created_at"`
	UpdatedAt       time.Time  `gorm:"column:updated_at;autoUpdateTime:false" json:"updated_at"`

	WorkExperiences []WorkExperience `gorm:"foreignKey:ProfileID" json:"work_experiences,omitempty"`
	Education       []Education      `gorm:"foreignKey:ProfileID" json:"education,omitempty"`
	Certifications  []Certification  `gorm:"foreignKey:ProfileID" json:"certifications,omitempty"`
}

// TableName returns "profiles".
func (Profile) TableName() string { return "profiles" }

// FullName returns the first and last name joined by a space, or "" if both
// are empty.
func (p *Profile) FullName() string {
	switch {
	case p.FirstName == "":
		return p.LastName
	case p.LastName == "":
		return p.FirstName
	}
	return p.FirstName + " " + p.LastName
}

// WorkExperience is a position held, part of a profile. Current marks a
// position still held, which has no EndDate.
type WorkExperience struct {
	ID          int64      `gorm:"column:id;primaryKey" json:"id"`
	ProfileID   int64      `gorm:"column:profile_id" json:"-"`
	Company     string     `gorm:"column:company" json:"company"`
	Title       string     `gorm:"column:title" json:"title"`
	Location    *string    `gorm:"column:location" json:"location"`
	StartDate   time.Time  `gorm:"column:start_date" json:"start_date"`
	EndDate     *time.Time `gorm:"column:end_date" json:"end_date"`
	Description *string    `gorm:"column:description" json:"description"`
	Current     bool       `gorm:"column:current" json:"current"`
	CreatedAt   time.Time  `gorm:"column:created_at;autoCreateTime:false" json:"created_at"`
	UpdatedAt   time.Time  `gorm:"column:updated_at;autoUpdateTime:false" json:"updated_at"`
}

// TableName returns "work_experiences".
func (WorkExperience) TableName() string { return "work_experiences" }

// Education is a course of study, part of a profile. Its table is named
// "education" (singular).
type Education struct {
	ID           int64      `gorm:"column:id;primaryKey" json:"id"`
	ProfileID    int64      `gorm:"column:profile_id" json:"-"`
	Institution  string     `gorm:"column:institution" json:"institution"`
	Degree       string     `gorm:"column:degree" json:"degree"`
	FieldOfStudy *string    `gorm:"column:field_of_study" json:"field_of_study"`
	StartDate    time.Time  `gorm:"column:start_date" json:"start_date"`
	EndDate      *time.Time `gorm:"column:end_date" json:"end_date"`
	Description  *string    `gorm:"column:description" json:"description"`
	CreatedAt    time.Time  `gorm:"column:created_at;autoCreateTime:false" json:"created_at"`
	UpdatedAt    time.Time  `gorm:"column:updated_at;autoUpdateTime:false" json:"updated_at"`
}

// TableName returns "education".
func (Education) TableName() string { return "education" }

// Certification is a certificate or licence, part of a profile.
type Certification struct {
	ID            int64      `gorm:"column:id;primaryKey" json:"id"`
	ProfileID     int64      `gorm:"column:profile_id" json:"-"`
	Name          string     `gorm:"column:name" json:"name"`
	IssuingOrg    string     `gorm:"column:issuing_org" json:"issuing_org"`
	IssueDate     time.Time  `gorm:"column:issue_date" json:"issue_date"`
	ExpiryDate    *time.Time `gorm:"column:expiry_date" json:"expiry_date"`
	CredentialID  *string    `gorm:"column:credential_id" json:"credential_id"`
	CredentialURL *string    `gorm:"column:credential_url" json:"credential_url"`
	CreatedAt     time.Time  `gorm:"column:created_at;autoCreateTime:false" json:"created_at"`
	UpdatedAt     time.Time  `gorm:"column:updated_at;autoUpdateTime:false" json:"updated_at"`
}

// TableName returns "certifications".
func (Certification) TableName() string { return "certifications" }

// QuotaUsage counts a user's use of one AI quota type within one period.
type QuotaUsage struct {
	ID          int64     `gorm:"column:id;primaryKey" json:"id"`
	UserID      int64     `gorm:"column:user_id" json:"-"`
	QuotaType   string    `gorm:"column:quota_type" json:"quota_type"`
	PeriodStart time.Time `gorm:"column:period_start" json:"period_start"`
	PeriodEnd   time.Time `gorm:"column:period_end" json:"period_end"`
	UsedCount   int       `gorm:"column:used_count" json:"used_count"`
	LimitCount  int       `gorm:"column:limit_count" json:"limit_count"`
	CreatedAt   time.Time `gorm:"column:created_at;autoCreateTime:false" json:"created_at"`
	UpdatedAt   time.Time `gorm:"column:updated_at;autoUpdateTime:false" json:"updated_at"`
}

// TableName returns "quota_usage".
func (QuotaUsage) TableName() string { return "quota_usage" }

// QuotaUsageHistory records one use of an AI quota; JobID is the job it
// was used for, if any (nil once that job is deleted).
type QuotaUsageHistory struct {
	ID        int64     `gorm:"column:id;primaryKey" json:"id"`
	UserID    int64     `gorm:"column:user_id" json:"-"`
	QuotaType string    `gorm:"column:quota_type" json:"quota_type"`
	JobID     *int64    `gorm:"column:job_id" json:"job_id"`
	Action    string    `gorm:"column:action" json:"action"`
	CreatedAt time.Time `gorm:"column:created_at;autoCreateTime:false" json:"created_at"`
}

// TableName returns "quota_usage_history".
func (QuotaUsageHistory) TableName() string { return "quota_usage_history" }

// GeneratedDocument is an AI-generated document such as a cover letter or
// CV, optionally for one job (nil once that job is deleted). Metadata holds
// JSON text.
type GeneratedDocument struct {
	ID           int64      `gorm:"column:id;primaryKey" json:"id"`
	UserID       int64      `gorm:"column:user_id" json:"-"`
	JobID        *int64     `gorm:"column:job_id" json:"job_id"`
	DocumentType string     `gorm:"column:document_type" json:"document_type"`
	Content      string     `gorm:"column:content" json:"content"`
	Format       string     `gorm:"column:format" json:"format"`
	Metadata     *string    `gorm:"column:metadata" json:"metadata"`
	ExpiresAt    *time.Time `gorm:"column:expires_at" json:"expires_at"`
	CreatedAt    time.Time  `gorm:"column:created_at;autoCreateTime:false" json:"created_at"`
}

// TableName returns "generated_documents".
func (GeneratedDocument) TableName() string { return "generated_documents" }
