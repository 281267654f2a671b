package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/vega-ai/vega/models"
)

// Charts are inline SVG drawn from numbers computed here: no script, no
// inline style (colours come from classes in app.css), and each chart has
// a text alternative and a data table.

// bar is one bar of a chart, in SVG user units.
type bar struct {
	Label      string
	Value      int64
	Class      string
	X, Y, W, H int
	TextX      int
	TextY      int
}

// chart is a bar chart.
type chart struct {
	Width, Height int
	Bars          []bar
	BaseY         int
	Max           int64
}

// statsPage is the data of the stats page.
type statsPage struct {
	Counts   []statusCount
	Total    int64
	ByStatus chart // horizontal bars
	PerWeek  chart // vertical bars
	Weeks    int
	Captured int64
}

const statsWeeks = 12

func (s *Server) showStats(c *fiber.Ctx) error {
	uid := mustPrincipal(c).UserID
	counts, total, err := s.statusCounts(c, uid, nil)
	if err != nil {
		return err
	}
	perWeek, err := s.deps.Store.JobsPerWeek(c.UserContext(), uid, statsWeeks)
	if err != nil {
		return err
	}
	p := &statsPage{Counts: counts, Total: total, Weeks: statsWeeks}
	p.ByStatus = statusChart(counts)
	p.PerWeek = weekChart(perWeek)
	for _, w := range perWeek {
		p.Captured += w.Count
	}
	return s.render(c, fiber.StatusOK, "stats", dashView(c, "stats", p))
}

// statusChart draws one horizontal bar per status.
func statusChart(counts []statusCount) chart {
	const labelW, barMax, rowH, barH = 130, 300, 32, 20
	ch := chart{Width: labelW + barMax + 50, Height: rowH*len(counts) + 8}
	for _, sc := range counts {
		ch.Max = max(ch.Max, sc.Count)
	}
	for i, sc := range counts {
		w := 0
		if ch.Max > 0 {
			w = int(sc.Count * barMax / ch.Max)
		}
		if sc.Count > 0 {
			w = max(w, 2)
		}
		y := 4 + i*rowH
		ch.Bars = append(ch.Bars, bar{Label: sc.Status.Label(), Value: sc.Count, Class: "st-" + sc.Status.String(),
			X: labelW, Y: y + (rowH-barH)/2, W: w, H: barH, TextX: labelW + w + 6, TextY: y + rowH/2 + 4})
	}
	return ch
}

// weekChart draws one vertical bar per week, oldest first.
func weekChart(weeks []models.WeekCount) chart {
	const top, bottom, plotH, colW, barW, left = 20, 40, 180, 40, 26, 10
	ch := chart{Width: left*2 + colW*len(weeks), Height: top + plotH + bottom, BaseY: top + plotH}
	for _, w := range weeks {
		ch.Max = max(ch.Max, w.Count)
	}
	for i, w := range weeks {
		h := 0
		if ch.Max > 0 {
			h = int(w.Count * plotH / ch.Max)
		}
		if w.Count > 0 {
			h = max(h, 2)
		}
		x := left + i*colW + (colW-barW)/2
		ch.Bars = append(ch.Bars, bar{Label: w.WeekStart.UTC().Format("2 Jan"), Value: w.Count, Class: "",
			X: x, Y: top + plotH - h, W: barW, H: h, TextX: x + barW/2, TextY: top + plotH - h - 5})
	}
	return ch
}
