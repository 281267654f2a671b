package scraper

import "strings"

// countries maps ISO 3166-1 alpha-2 (and a few alpha-3) codes to English names.
var countries = map[string]string{
	"AD": "Andorra", "AE": "United Arab Emirates", "AF": "Afghanistan", "AL": "Albania", "AM": "Armenia",
	"AO": "Angola", "AR": "Argentina", "AT": "Austria", "AU": "Australia", "AZ": "Azerbaijan",
	"BA": "Bosnia and Herzegovina", "BD": "Bangladesh", "BE": "Belgium", "BG": "Bulgaria", "BH": "Bahrain",
	"BO": "Bolivia", "BR": "Brazil", "BY": "Belarus", "CA": "Canada", "CH": "Switzerland", "CL": "Chile",
	"CN": "China", "CO": "Colombia", "CR": "Costa Rica", "CY": "Cyprus", "CZ": "Czechia", "DE": "Germany",
	"DK": "Denmark", "DO": "Dominican Republic", "DZ": "Algeria", "EC": "Ecuador", "EE": "Estonia", "EG": "Egypt",
	"ES": "Spain", "ET": "Ethiopia", "FI": "Finland", "FR": "France", "GB": "United Kingdom", "GE": "Georgia",
	"GH": "Ghana", "GR": "Greece", "GT": "Guatemala", "HK": "Hong Kong", "HN": "Honduras", "HR": "Croatia",
	"HU": "Hungary", "ID": "Indonesia", "IE": "Ireland", "IL": "Israel", "IN": "India", "IQ": "Iraq",
	"IS": "Iceland", "IT": "Italy", "JM": "Jamaica", "JO": "Jordan", "JP": "Japan", "KE": "Kenya",
	"KH": "Cambodia", "KR": "South Korea", "KW": "Kuwait", "KZ": "Kazakhstan", "LB": "Lebanon", "LK": "Sri Lanka",
	"LT": "Lithuania", "LU": "Luxembourg", "LV": "Latvia", "MA": "Morocco", "MD": "Moldova", "ME": "Montenegro",
	"MK": "North Macedonia", "MT": "Malta", "MU": "Mauritius", "MX": "Mexico", "MY": "Malaysia", "NG": "Nigeria",
	"NI": "Nicaragua", "NL": "Netherlands", "NO": "Norway", "NP": "Nepal", "NZ": "New Zealand", "OM": "Oman",
	"PA": "Panama", "PE": "Peru", "PH": "Philippines", "PK": "Pakistan", "PL": "Poland", "PR": "Puerto Rico",
	"PT": "Portugal", "PY": "Paraguay", "QA": "Qatar", "RO": "Romania", "RS": "Serbia", "RU": "Russia",
	"RW": "Rwanda", "SA": "Saudi Arabia", "SE": "Sweden", "SG": "Singapore", "SI": "Slovenia", "SK": "Slovakia",
	"SN": "Senegal", "SV": "El Salvador", "TH": "Thailand", "TN": "Tunisia", "TR": "Türkiye", "TW": "Taiwan",
	"TZ": "Tanzania", "UA": "Ukraine", "UG": "Uganda", "US": "United States", "UY": "Uruguay", "UZ": "Uzbekistan",
	"VE": "Venezuela", "VN": "Vietnam", "ZA": "South Africa", "ZM": "Zambia", "ZW": "Zimbabwe",
	"USA": "United States", "GBR": "United Kingdom", "UK": "United Kingdom", "DEU": "Germany", "FRA": "France",
	"CAN": "Canada", "AUS": "Australia", "IND": "India", "IRL": "Ireland", "NLD": "Netherlands", "ESP": "Spain",
}

// countryAliases maps long or informal country names to the names used above.
var countryAliases = map[string]string{
	"united states of america": "United States", "usa": "United States", "u.s.": "United States",
	"u.s.a.": "United States", "america": "United States", "great britain": "United Kingdom",
	"england": "United Kingdom", "czech republic": "Czechia", "turkey": "Türkiye",
	"republic of ireland": "Ireland", "the netherlands": "Netherlands", "korea, republic of": "South Korea",
	"russian federation": "Russia", "viet nam": "Vietnam",
}

var countryNameSet = func() map[string]string {
	m := map[string]string{}
	for _, n := range countries {
		m[strings.ToLower(n)] = n
	}
	for k, v := range countryAliases {
		m[k] = v
	}
	return m
}()

// countryName expands a country code ("GB") to its name; other text is
// returned cleaned (long names keep their own spelling).
func countryName(s string) string {
	s = cleanInline(s)
	if s == "" {
		return ""
	}
	if len(s) <= 3 {
		if n, ok := countries[strings.ToUpper(s)]; ok {
			return n
		}
	}
	return s
}

// isCountry reports whether s names a country (by name or alias).
func isCountry(s string) (string, bool) {
	n, ok := countryNameSet[strings.ToLower(strings.TrimSpace(s))]
	return n, ok
}

var usStates = map[string]string{
	"AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California", "CO": "Colorado",
	"CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia", "FL": "Florida", "GA": "Georgia",
	"HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa", "KS": "Kansas",
	"KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts",
	"MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana",
	"NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico",
	"NY": "New York", "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma",
	"OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
	"TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
	"WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
}

var caProvinces = map[string]string{
	"AB": "Alberta", "BC": "British Columbia", "MB": "Manitoba", "NB": "New Brunswick",
	"NL": "Newfoundland and Labrador", "NS": "Nova Scotia", "NT": "Northwest Territories", "NU": "Nunavut",
	"ON": "Ontario", "PE": "Prince Edward Island", "QC": "Quebec", "SK": "Saskatchewan", "YT": "Yukon",
}

var auStates = map[string]string{
	"ACT": "Australian Capital Territory", "NSW": "New South Wales", "NT": "Northern Territory",
	"QLD": "Queensland", "SA": "South Australia", "TAS": "Tasmania", "VIC": "Victoria", "WA": "Western Australia",
}

// regionName expands a state or province code when the country is known.
func regionName(region, country string) string {
	if len(region) < 2 || len(region) > 3 {
		return region
	}
	code := strings.ToUpper(region)
	switch country {
	case "United States":
		if n, ok := usStates[code]; ok {
			return n
		}
	case "Canada":
		if n, ok := caProvinces[code]; ok {
			return n
		}
	case "Australia":
		if n, ok := auStates[code]; ok {
			return n
		}
	}
	return region
}
