package explorer

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/stancegraph/stancegraph/graph"
	"github.com/stancegraph/stancegraph/graph/synth"
)

// TestBrowserLargeGraph grows a neighbourhood of a synthetic graph to
// 2,000 nodes in the graph view and measures how long its layout takes
// to settle from scratch. It reports the time and does not assert it:
// timings depend on the machine.
func TestBrowserLargeGraph(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	b := newBrowser(t)
	st := mustOpen(t)
	g := synth.New(synth.Config{Edges: 20_000, Seed: 1})
	if err := g.Load(context.Background(), st, 5_000); err != nil {
		t.Fatal(err)
	}
	srv, _ := newServer(t, st)
	root := g.Sample(1, 1, graph.KindTopic)[0]

	tb := b.tab(t)
	tb.open(srv.URL + "/#/graph/" + root)
	// The API returns at most 500 nodes a neighbourhood: expand hubs
	// until the view holds 2,000 nodes, then lay it out from scratch.
	tb.do(chromedp.Evaluate[chromedp.Void](`(async () => {
		const g = window.__explorer.graph;
		for (let i = 0; i < 200 && g.nodes < 2000; i++) {
			const next = g.frontier()[0];
			if (!next) break;
			await g.expand(next);
		}
		g.relayout();
	})()`, chromedp.EvalAwaitPromise))
	tb.wait(`window.__explorer.graph.settled`)
	var res struct {
		Nodes, Edges, SettleTicks, SettleFrames int
		SettleMs, LayoutMs, TickMs, DrawMs      float64
	}
	if err := json.Unmarshal([]byte(eval[string](tb, `JSON.stringify(window.__explorer.graph)`)), &res); err != nil {
		t.Fatal(err)
	}
	if res.Nodes < 2000 {
		t.Errorf("the view grew to %d nodes, want 2000", res.Nodes)
	}
	t.Logf("layout of %d nodes and %d edges settled in %.0f ms (%.0f ms of it computing %d steps; %d frames drawn, the last in %.1f ms)",
		res.Nodes, res.Edges, res.SettleMs, res.LayoutMs, res.SettleTicks, res.SettleFrames, res.DrawMs)
	tb.shot("graph-2000")
	// Hovering and redrawing must stay possible: one more frame after settling.
	before := eval[int](tb, `window.__explorer.graph.frames`)
	tb.do(chromedp.Evaluate[chromedp.Void](`window.__explorer.graph.select(window.__explorer.graph.frontier()[0])`))
	tb.wait(`window.__explorer.graph.frames > ` + itoa(before))
	tb.clean()
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
