package graph

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// Date is a calendar date that may be partial: a year ("2025"), a month
// ("2025-02") or a day ("2025-02-11"). The zero Date means unknown.
// Dates order by year, then month, then day, a missing part sorting before
// any given one, so "2025" < "2025-02" < "2025-02-11" < "2025-03".
type Date struct {
	y    uint16
	m, d uint8
}

// ParseDate parses YYYY, YYYY-MM or YYYY-MM-DD and rejects impossible
// dates such as 2025-02-30. The empty string gives the zero Date.
func ParseDate(s string) (Date, error) {
	if s == "" {
		return Date{}, nil
	}
	bad := func(why string) (Date, error) {
		return Date{}, fmt.Errorf("%w: date %q %s (want YYYY, YYYY-MM or YYYY-MM-DD)", ErrInvalid, s, why)
	}
	num := func(p string) (int, bool) {
		for i := 0; i < len(p); i++ {
			if p[i] < '0' || p[i] > '9' {
				return 0, false
			}
		}
		n, err := strconv.Atoi(p)
		return n, err == nil
	}
	if len(s) != 4 && len(s) != 7 && len(s) != 10 {
		return bad("is malformed")
	}
	y, ok := num(s[:4])
	if !ok || y == 0 {
		return bad("has no valid year")
	}
	var d Date
	d.y = uint16(y)
	if len(s) >= 7 {
		if s[4] != '-' {
			return bad("is malformed")
		}
		m, ok := num(s[5:7])
		if !ok || m < 1 || m > 12 {
			return bad("has no valid month")
		}
		d.m = uint8(m)
	}
	if len(s) == 10 {
		if s[7] != '-' {
			return bad("is malformed")
		}
		day, ok := num(s[8:10])
		if !ok || day < 1 || day > daysIn(y, int(d.m)) {
			return bad("does not exist")
		}
		d.d = uint8(day)
	}
	return d, nil
}

// MustDate is ParseDate for literals in tests and examples; it panics on a
// malformed date.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// IsZero reports whether the date is unknown.
func (d Date) IsZero() bool { return d.y == 0 }

// Year, Month and Day return the parts; a missing part is 0.
func (d Date) Year() int  { return int(d.y) }
func (d Date) Month() int { return int(d.m) }
func (d Date) Day() int   { return int(d.d) }

// String formats the date as it was given: YYYY, YYYY-MM or YYYY-MM-DD.
func (d Date) String() string {
	switch {
	case d.y == 0:
		return ""
	case d.m == 0:
		return fmt.Sprintf("%04d", d.y)
	case d.d == 0:
		return fmt.Sprintf("%04d-%02d", d.y, d.m)
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.y, d.m, d.d)
}

// Compare returns -1, 0 or +1 as d sorts before, equal to or after o.
func (d Date) Compare(o Date) int {
	a, b := d.sortKey(), o.sortKey()
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// sortKey packs the date so that integer order is date order.
func (d Date) sortKey() uint32 { return uint32(d.y)<<16 | uint32(d.m)<<8 | uint32(d.d) }

func dateFromKey(k uint32) Date { return Date{y: uint16(k >> 16), m: uint8(k >> 8), d: uint8(k)} }

// first is the sort key of the first day the date covers.
func (d Date) first() uint32 {
	m, day := d.m, d.d
	if m == 0 {
		m = 1
	}
	if day == 0 {
		day = 1
	}
	return uint32(d.y)<<16 | uint32(m)<<8 | uint32(day)
}

// last is the sort key of the last day the date covers.
func (d Date) last() uint32 {
	m, day := d.m, d.d
	if m == 0 {
		m = 12
	}
	if day == 0 {
		day = uint8(daysIn(int(d.y), int(m)))
	}
	return uint32(d.y)<<16 | uint32(m)<<8 | uint32(day)
}

// MarshalJSON writes the date as a string.
func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads a date string.
func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}
