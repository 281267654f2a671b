package models

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestJobStatusRoundTrips(t *testing.T) {
	all := AllJobStatuses()
	if len(all) != 6 {
		t.Fatalf("AllJobStatuses has %d statuses, want 6", len(all))
	}
	for i, st := range all {
		if int(st) != i || !st.Valid() {
			t.Fatalf("AllJobStatuses()[%d] = %d", i, st)
		}
		got, err := ParseJobStatus(st.String())
		if err != nil || got != st {
			t.Errorf("ParseJobStatus(%q) = %v, %v", st.String(), got, err)
		}
		got, err = ParseJobStatus(st.Label())
		if err != nil || got != st {
			t.Errorf("ParseJobStatus(label %q) = %v, %v", st.Label(), got, err)
		}
		b, err := json.Marshal(st)
		if err != nil {
			t.Fatal(err)
		}
		var back JobStatus
		if err := json.Unmarshal(b, &back); err != nil || back != st {
			t.Errorf("JSON %s -> %v, %v", b, back, err)
		}
	}
}

func TestParseJobStatusAcceptsSpellingsAndNumbers(t *testing.T) {
	tests := []struct {
		in   string
		want JobStatus
	}{
		{"interested", JobStatusInterested},
		{"Applied", JobStatusApplied},
		{"INTERVIEWING", JobStatusInterviewing},
		{"offer received", JobStatusOfferReceived},
		{"Offer-Received", JobStatusOfferReceived},
		{"offer_received", JobStatusOfferReceived},
		{" rejected ", JobStatusRejected},
		{"Not Interested", JobStatusNotInterested},
		{"0", JobStatusInterested},
		{"5", JobStatusNotInterested},
	}
	for _, tt := range tests {
		got, err := ParseJobStatus(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseJobStatus(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "6", "-1", "hired", "offer"} {
		if _, err := ParseJobStatus(bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("ParseJobStatus(%q) error = %v, want ErrInvalid", bad, err)
		}
	}
}

func TestJobTypeParsesSpellings(t *testing.T) {
	tests := []struct {
		in   string
		want JobType
	}{
		{"full_time", JobTypeFullTime},
		{"Full-time", JobTypeFullTime},
		{"full time", JobTypeFullTime},
		{"FULLTIME", JobTypeFullTime},
		{"Part-Time", JobTypePartTime},
		{"contract", JobTypeContract},
		{"Internship", JobTypeIntern},
		{"intern", JobTypeIntern},
		{"remote", JobTypeRemote},
		{"freelance", JobTypeFreelance},
		{"Other", JobTypeOther},
		{"2", JobTypeContract},
	}
	for _, tt := range tests {
		got, err := ParseJobType(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseJobType(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, st := range AllJobTypes() {
		if got, err := ParseJobType(st.String()); err != nil || got != st {
			t.Errorf("round trip %v: %v, %v", st, got, err)
		}
		if got, err := ParseJobType(st.Label()); err != nil || got != st {
			t.Errorf("label round trip %v: %v, %v", st, got, err)
		}
	}
	for _, bad := range []string{"7", "permanent", ""} {
		if _, err := ParseJobType(bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("ParseJobType(%q) error = %v, want ErrInvalid", bad, err)
		}
	}
}

func TestEnumJSONReadsNamesAndNumbers(t *testing.T) {
	var v struct {
		Status JobStatus `json:"status"`
		Type   JobType   `json:"job_type"`
		Ind    Industry  `json:"industry"`
	}
	for _, in := range []string{
		`{"status":"offer_received","job_type":"Full-time","industry":"Food & Beverage"}`,
		`{"status":3,"job_type":0,"industry":39}`,
		`{"status":"3","job_type":"0","industry":"39"}`,
	} {
		v.Status, v.Type, v.Ind = 0, 6, 0
		if err := json.Unmarshal([]byte(in), &v); err != nil {
			t.Fatalf("Unmarshal(%s): %v", in, err)
		}
		if v.Status != JobStatusOfferReceived || v.Type != JobTypeFullTime || v.Ind != IndustryFoodBeverage {
			t.Errorf("Unmarshal(%s) = %+v", in, v)
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"status":"offer_received","job_type":"full_time","industry":"Food \u0026 Beverage"}`; string(b) != want {
		t.Errorf("Marshal = %s, want %s", b, want)
	}
	for _, bad := range []string{`{"status":"hired"}`, `{"status":9}`, `{"job_type":true}`, `{"industry":57}`} {
		if err := json.Unmarshal([]byte(bad), &v); !errors.Is(err, ErrInvalid) {
			t.Errorf("Unmarshal(%s) error = %v, want ErrInvalid", bad, err)
		}
	}
	if _, err := json.Marshal(JobStatus(42)); err == nil {
		t.Error("marshalling an undefined JobStatus succeeded")
	}
}

func TestIndustryNamesAndReservedValues(t *testing.T) {
	all := AllIndustries()
	if len(all) != 54 || all[0] != IndustryTechnology || all[52] != IndustryCybersecurity || all[53] != IndustryUnspecified {
		t.Fatalf("AllIndustries = %v", all)
	}
	spot := map[Industry]string{
		0: "Technology", 1: "Software Development", 13: "Finance", 25: "E-commerce",
		39: "Food & Beverage", 44: "Transportation & Logistics", 47: "Non-Profit", 52: "Cybersecurity", 64: "Unspecified",
	}
	for ind, name := range spot {
		if ind.String() != name {
			t.Errorf("Industry(%d).String() = %q, want %q", ind, ind.String(), name)
		}
	}
	for _, ind := range all {
		if got, err := ParseIndustry(ind.String()); err != nil || got != ind {
			t.Errorf("ParseIndustry(%q) = %v, %v", ind.String(), got, err)
		}
	}
	for in, want := range map[string]Industry{
		"food and beverage": IndustryFoodBeverage, "ecommerce": IndustryECommerce, "NON PROFIT": IndustryNonProfit,
		"software_development": IndustrySoftwareDevelopment, "fintech": IndustryFinancialTechnology,
		"64": IndustryUnspecified, "": IndustryUnspecified, "52": IndustryCybersecurity,
	} {
		if got, err := ParseIndustry(in); err != nil || got != want {
			t.Errorf("ParseIndustry(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"53", "63", "65", "-1", "mining"} {
		if _, err := ParseIndustry(bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("ParseIndustry(%q) error = %v, want ErrInvalid", bad, err)
		}
	}
	for _, v := range []Industry{53, 60, 63, 65, -1, 1000} {
		if v.Valid() || v.String() != "Unspecified" {
			t.Errorf("Industry(%d): Valid %v, String %q", v, v.Valid(), v.String())
		}
	}
}

func TestIndustryScanReadsUnknownAsUnspecified(t *testing.T) {
	tests := []struct {
		src  any
		want Industry
	}{
		{nil, IndustryUnspecified},
		{int64(0), IndustryTechnology},
		{int64(52), IndustryCybersecurity},
		{int64(53), IndustryUnspecified},
		{int64(63), IndustryUnspecified},
		{int64(64), IndustryUnspecified},
		{int64(65), IndustryUnspecified},
		{int64(-3), IndustryUnspecified},
		{"13", IndustryFinance},
		{[]byte("14"), IndustryBanking},
		{"", IndustryUnspecified},
		{"junk", IndustryUnspecified},
	}
	for _, tt := range tests {
		var got Industry = IndustryBanking
		if tt.want == IndustryBanking {
			got = IndustryTechnology
		}
		if err := got.Scan(tt.src); err != nil || got != tt.want {
			t.Errorf("Scan(%#v) = %v, %v; want %v", tt.src, got, err, tt.want)
		}
	}
	if v, _ := Industry(57).Value(); v != int64(64) {
		t.Errorf("Industry(57).Value() = %v, want 64", v)
	}
}
