package models

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unicode"

	"gorm.io/gorm/schema"
)

// enumKey folds a spelling of an enum name to a comparison key: lower case,
// "&" read as "and", everything but letters and digits dropped. So
// "Full-time", "full time", "FULL_TIME" and "fulltime" share one key, as do
// "Food & Beverage" and "food and beverage".
func enumKey(s string) string {
	s = strings.ReplaceAll(strings.ToLower(s), "&", "and")
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// parseEnum resolves s against names (indexed by value, "" for unused
// values) and aliases, or as a decimal number accepted by valid.
func parseEnum(kind, s string, names []string, aliases map[string]int, valid func(int) bool) (int, error) {
	t := strings.TrimSpace(s)
	if n, err := strconv.Atoi(t); err == nil {
		if valid(n) {
			return n, nil
		}
		return 0, fmt.Errorf("%w: unknown %s %q", ErrInvalid, kind, s)
	}
	key := enumKey(t)
	if key != "" {
		for i, name := range names {
			if name != "" && enumKey(name) == key {
				return i, nil
			}
		}
		if v, ok := aliases[key]; ok {
			return v, nil
		}
	}
	return 0, fmt.Errorf("%w: unknown %s %q", ErrInvalid, kind, s)
}

// unmarshalEnum decodes a JSON string (a name or a number in a string) or a
// JSON number through parse.
func unmarshalEnum(data []byte, parse func(string) (int, error)) (int, error) {
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		var n json.Number
		if err2 := json.Unmarshal(data, &n); err2 != nil {
			return 0, fmt.Errorf("%w: enum must be a string or a number", ErrInvalid)
		}
		s = n.String()
	}
	return parse(s)
}

// JobStatus is where a job stands in the user's application pipeline. It is
// stored as an integer and written in JSON as its name ("offer_received").
type JobStatus int

// The job statuses, numbered as stored in jobs.status.
const (
	JobStatusInterested JobStatus = iota
	JobStatusApplied
	JobStatusInterviewing
	JobStatusOfferReceived
	JobStatusRejected
	JobStatusNotInterested
)

var jobStatusNames = []string{"interested", "applied", "interviewing", "offer_received", "rejected", "not_interested"}

var jobStatusLabels = []string{"Interested", "Applied", "Interviewing", "Offer received", "Rejected", "Not interested"}

// AllJobStatuses returns every job status in pipeline order.
func AllJobStatuses() []JobStatus {
	out := make([]JobStatus, len(jobStatusNames))
	for i := range out {
		out[i] = JobStatus(i)
	}
	return out
}

// Valid reports whether s is a defined job status.
func (s JobStatus) Valid() bool { return s >= 0 && int(s) < len(jobStatusNames) }

// String returns the status's name, such as "offer_received", or
// "JobStatus(9)" for an undefined value.
func (s JobStatus) String() string {
	if !s.Valid() {
		return "JobStatus(" + strconv.Itoa(int(s)) + ")"
	}
	return jobStatusNames[s]
}

// Label returns the status as shown to a person, such as "Offer received".
func (s JobStatus) Label() string {
	if !s.Valid() {
		return s.String()
	}
	return jobStatusLabels[s]
}

// ParseJobStatus parses a status name in any case and spelling
// ("offer_received", "Offer received", "OFFER-RECEIVED") or its number ("3").
// It returns an error matching ErrInvalid for anything else.
func ParseJobStatus(s string) (JobStatus, error) {
	n, err := parseEnum("job status", s, jobStatusNames, nil, func(n int) bool { return JobStatus(n).Valid() })
	return JobStatus(n), err
}

// MarshalJSON writes the status as its name; an undefined status is an error.
func (s JobStatus) MarshalJSON() ([]byte, error) {
	if !s.Valid() {
		return nil, fmt.Errorf("models: cannot marshal %s", s)
	}
	return json.Marshal(s.String())
}

// UnmarshalJSON reads a status from its name or its number.
func (s *JobStatus) UnmarshalJSON(data []byte) error {
	n, err := unmarshalEnum(data, func(v string) (int, error) {
		st, err := ParseJobStatus(v)
		return int(st), err
	})
	if err != nil {
		return err
	}
	*s = JobStatus(n)
	return nil
}

// JobType is the kind of employment a job offers. It is stored as an integer
// and written in JSON as its name ("full_time").
type JobType int

// The job types, numbered as stored in jobs.job_type.
const (
	JobTypeFullTime JobType = iota
	JobTypePartTime
	JobTypeContract
	JobTypeIntern
	JobTypeRemote
	JobTypeFreelance
	JobTypeOther
)

var jobTypeNames = []string{"full_time", "part_time", "contract", "intern", "remote", "freelance", "other"}

var jobTypeLabels = []string{"Full-time", "Part-time", "Contract", "Internship", "Remote", "Freelance", "Other"}

var jobTypeAliases = map[string]int{"internship": int(JobTypeIntern), "contractor": int(JobTypeContract)}

// AllJobTypes returns every job type in stored order.
func AllJobTypes() []JobType {
	out := make([]JobType, len(jobTypeNames))
	for i := range out {
		out[i] = JobType(i)
	}
	return out
}

// Valid reports whether t is a defined job type.
func (t JobType) Valid() bool { return t >= 0 && int(t) < len(jobTypeNames) }

// String returns the type's name, such as "full_time", or "JobType(9)" for an
// undefined value.
func (t JobType) String() string {
	if !t.Valid() {
		return "JobType(" + strconv.Itoa(int(t)) + ")"
	}
	return jobTypeNames[t]
}

// Label returns the type as shown to a person, such as "Full-time".
func (t JobType) Label() string {
	if !t.Valid() {
		return t.String()
	}
	return jobTypeLabels[t]
}

// ParseJobType parses a type name in any case and spelling ("full_time",
// "Full-time", "full time"), the alias "internship", or its number ("0"). It
// returns an error matching ErrInvalid for anything else.
func ParseJobType(s string) (JobType, error) {
	n, err := parseEnum("job type", s, jobTypeNames, jobTypeAliases, func(n int) bool { return JobType(n).Valid() })
	return JobType(n), err
}

// MarshalJSON writes the type as its name; an undefined type is an error.
func (t JobType) MarshalJSON() ([]byte, error) {
	if !t.Valid() {
		return nil, fmt.Errorf("models: cannot marshal %s", t)
	}
	return json.Marshal(t.String())
}

// UnmarshalJSON reads a type from its name or its number.
func (t *JobType) UnmarshalJSON(data []byte) error {
	n, err := unmarshalEnum(data, func(v string) (int, error) {
		jt, err := ParseJobType(v)
		return int(jt), err
	})
	if err != nil {
		return err
	}
	*t = JobType(n)
	return nil
}

// Industry is the industry a profile works in. It is stored as an integer;
// 64 means unspecified (the column's default). Values 53 to 63 are reserved,
// and any value that is not defined, NULL included, reads from the database
// as IndustryUnspecified. JSON carries the industry's name ("Food & Beverage").
type Industry int

// The industries, numbered as stored in profiles.industry.
const (
	IndustryTechnology Industry = iota
	IndustrySoftwareDevelopment
	IndustryInformationTechnology
	IndustryDataScience
	IndustryArtificialIntelligence
	IndustryMachineLearning
	IndustryInternetServices
	IndustryTelecommunications
	IndustryHealthcare
	IndustryBiotechnology
	IndustryPharmaceuticals
	IndustryMedicalDevices
	IndustryHealthTechnology
	IndustryFinance
	IndustryBanking
	IndustryInvestmentManagement
	IndustryInsurance
	IndustryFinancialTechnology
	IndustryRealEstate
	IndustryConstruction
	IndustryArchitecture
	IndustryManufacturing
	IndustryAutomotive
	IndustryAerospace
	IndustryRetail
	IndustryECommerce
	IndustryWholesale
	IndustryConsumerGoods
	IndustryEducation
	IndustryEducationTechnology
	IndustryHigherEducation
	IndustryMedia
	IndustryEntertainment
	IndustryPublishing
	IndustryAdvertising
	IndustryMarketing
	IndustryPublicRelations
	IndustryHospitality
	IndustryTourism
	IndustryFoodBeverage
	IndustryEnergyUtilities
	IndustryOilGas
	IndustryRenewableEnergy
	IndustryEnvironmental
	IndustryTransportationLogistics
	IndustryAgriculture
	IndustryGovernment
	IndustryNonProfit
	IndustryLegal
	IndustryConsulting
	IndustryHumanResources
	IndustrySecurity
	IndustryCybersecurity
)

// IndustryUnspecified is stored when no industry is chosen.
const IndustryUnspecified Industry = 64

var industryNames = func() []string {
	names := make([]string, int(IndustryUnspecified)+1)
	copy(names, []string{
		"Technology", "Software Development", "Information Technology", "Data Science",
		"Artificial Intelligence", "Machine Learning", "Internet Services", "Telecommunications",
		"Healthcare", "Biotechnology", "Pharmaceuticals", "Medical Devices", "Health Technology",
		"Finance", "Banking", "Investment Management", "Insurance", "Financial Technology",
		"Real Estate", "Construction", "Architecture", "Manufacturing", "Automotive", "Aerospace",
		"Retail", "E-commerce", "Wholesale", "Consumer Goods", "Education", "Education Technology",
		"Higher Education", "Media", "Entertainment", "Publishing", "Advertising", "Marketing",
		"Public Relations", "Hospitality", "Tourism", "Food & Beverage", "Energy & Utilities",
		"Oil & Gas", "Renewable Energy", "Environmental", "Transportation & Logistics",
		"Agriculture", "Government", "Non-Profit", "Legal", "Consulting", "Human Resources",
		"Security", "Cybersecurity",
	})
	names[IndustryUnspecified] = "Unspecified"
	return names
}()

var industryAliases = map[string]int{
	"none":    int(IndustryUnspecified),
	"fintech": int(IndustryFinancialTechnology),
	"edtech":  int(IndustryEducationTechnology),
	"ai":      int(IndustryArtificialIntelligence),
	"it":      int(IndustryInformationTechnology),
}

// AllIndustries returns every defined industry in stored order, ending with
// IndustryUnspecified.
func AllIndustries() []Industry {
	out := make([]Industry, 0, int(IndustryCybersecurity)+2)
	for i := IndustryTechnology; i <= IndustryCybersecurity; i++ {
		out = append(out, i)
	}
	return append(out, IndustryUnspecified)
}

// Valid reports whether i is a defined industry (0 to 52, or 64).
func (i Industry) Valid() bool {
	return (i >= IndustryTechnology && i <= IndustryCybersecurity) || i == IndustryUnspecified
}

// orUnspecified maps every undefined value to IndustryUnspecified.
func (i Industry) orUnspecified() Industry {
	if !i.Valid() {
		return IndustryUnspecified
	}
	return i
}

// String returns the industry's name, such as "Food & Beverage"; undefined
// values read as "Unspecified".
func (i Industry) String() string { return industryNames[i.orUnspecified()] }

// ParseIndustry parses an industry name in any case and spelling
// ("Food & Beverage", "food and beverage", "e-commerce"), a few common
// abbreviations ("fintech"), its number ("13"), or the empty string (which is
// IndustryUnspecified). Reserved and unknown values are an error matching
// ErrInvalid.
func ParseIndustry(s string) (Industry, error) {
	n, err := parseEnum("industry", s, industryNames, industryAliases, func(n int) bool { return Industry(n).Valid() })
	if err != nil && strings.TrimSpace(s) == "" {
		return IndustryUnspecified, nil
	}
	return Industry(n), err
}

// MarshalJSON writes the industry as its name.
func (i Industry) MarshalJSON() ([]byte, error) { return json.Marshal(i.String()) }

// UnmarshalJSON reads an industry from its name or its number; JSON null is
// IndustryUnspecified.
func (i *Industry) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		*i = IndustryUnspecified
		return nil
	}
	n, err := unmarshalEnum(data, func(v string) (int, error) {
		ind, err := ParseIndustry(v)
		return int(ind), err
	})
	if err != nil {
		return err
	}
	*i = Industry(n)
	return nil
}

// Scan reads an industry from the database; NULL, reserved and unknown
// values read as IndustryUnspecified.
func (i *Industry) Scan(src any) error {
	var n int64
	switch v := src.(type) {
	case nil:
		*i = IndustryUnspecified
		return nil
	case int64:
		n = v
	case float64:
		n = int64(v)
	case []byte:
		return i.Scan(string(v))
	case string:
		var err error
		if n, err = strconv.ParseInt(strings.TrimSpace(v), 10, 64); err != nil {
			n = int64(IndustryUnspecified)
		}
	default:
		return fmt.Errorf("models: cannot scan %T into Industry", src)
	}
	if n < 0 || n > int64(IndustryUnspecified) {
		*i = IndustryUnspecified
		return nil
	}
	*i = Industry(n).orUnspecified()
	return nil
}

// Value stores the industry as its number; undefined values are stored as
// IndustryUnspecified.
func (i Industry) Value() (driver.Value, error) { return int64(i.orUnspecified()), nil }

func init() {
	schema.RegisterSerializer("industry", industrySerializer{})
}

// industrySerializer is the GORM serializer of Industry columns (tag
// `serializer:industry`). GORM leaves a field untouched when its column is
// NULL instead of calling Scan, which would read a NULL industry as
// IndustryTechnology (0); the serializer sees the NULL and reads it as
// IndustryUnspecified.
type industrySerializer struct{}

// Scan sets the field from the column's value through Industry.Scan.
func (industrySerializer) Scan(ctx context.Context, field *schema.Field, dst reflect.Value, dbValue any) error {
	var i Industry
	if err := i.Scan(dbValue); err != nil {
		return err
	}
	field.ReflectValueOf(ctx, dst).Set(reflect.ValueOf(i))
	return nil
}

// Value stores the field through Industry.Value.
func (industrySerializer) Value(_ context.Context, _ *schema.Field, _ reflect.Value, fieldValue any) (any, error) {
	switch v := fieldValue.(type) {
	case Industry:
		return v.Value()
	case *Industry:
		if v == nil {
			return IndustryUnspecified.Value()
		}
		return v.Value()
	}
	return nil, fmt.Errorf("models: industry serializer: unexpected %T", fieldValue)
}
