//! A force-directed layout for drawing a network (Fruchterman and Reingold, 1991: "Graph
//! drawing by force-directed placement"), with no window types, so that the window can run
//! it on another thread and tests can check it.
//!
//! Nodes repel each other (`k²/d`), edges pull their ends together (`d²/k`, times the edge's
//! weight relative to the heaviest), a weak pull towards the centre keeps components that
//! share no edge in view, and a temperature that falls to zero limits each step, so the
//! layout settles. Repulsion is counted only between nodes in neighbouring cells of a grid
//! of side `2k` (the "grid variant" of the same paper), so a step costs about
//! O(nodes + edges) instead of O(nodes²).
//!
//! Deterministic: the same graph and start give the same places (no random numbers; nodes
//! without a start place are put on a sunflower spiral by index). Positions come out scaled
//! into `[-1, 1]²`, centred.

/// An edge to lay out: its two ends (node indices) and its weight (only its size matters; a
/// weight of zero or less pulls like the lightest edge).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayoutEdge {
    /// One end.
    pub a: usize,
    /// The other end.
    pub b: usize,
    /// How strongly the ends are pulled together, relative to the other edges.
    pub weight: f64,
}

/// How long a layout runs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayoutOptions {
    /// Steps of the simulation.
    pub iterations: usize,
    /// How far a node may move in the first step (the layout's square has side 1; the limit
    /// falls to zero by the last step): 0.1 from scratch, less to settle a known picture.
    pub temperature: f64,
}

impl LayoutOptions {
    /// Enough steps for `nodes` nodes to settle: 300 up to 500 nodes, fewer beyond (each
    /// step then costs more), never under 60.
    pub fn for_nodes(nodes: usize) -> Self {
        let iterations = if nodes <= 500 {
            300
        } else {
            (150_000 / nodes).max(60)
        };
        LayoutOptions {
            iterations,
            temperature: 0.1,
        }
    }

    /// Fewer, shorter steps, for a graph started from the places of a picture shown before
    /// (an edit changed a few weights): the picture settles without moving far.
    pub fn settling(nodes: usize) -> Self {
        LayoutOptions {
            iterations: (Self::for_nodes(nodes).iterations / 3).max(30),
            temperature: 0.02,
        }
    }
}

/// Places `nodes` nodes joined by `edges`. `start[i]`, where given, is where node `i` starts
/// (the place it had in a picture shown before, in the `[-1, 1]²` this returns, so the
/// picture moves little); a node without one starts on a spiral. Edges naming a node
/// out of range, and loops, are ignored. Returns one `[x, y]` per node in `[-1, 1]²`.
pub fn force_directed(
    nodes: usize,
    edges: &[LayoutEdge],
    start: &[Option<[f64; 2]>],
    options: LayoutOptions,
) -> Vec<[f64; 2]> {
    force_directed_until(nodes, edges, start, options, &|| false).unwrap_or_default()
}

/// [`force_directed`], asking `cancelled` between steps; `None` once it says stop.
pub fn force_directed_until(
    nodes: usize,
    edges: &[LayoutEdge],
    start: &[Option<[f64; 2]>],
    options: LayoutOptions,
    cancelled: &dyn Fn() -> bool,
) -> Option<Vec<[f64; 2]>> {
    if nodes == 0 {
        return Some(Vec::new());
    }
    let mut pos: Vec<[f64; 2]> = (0..nodes)
        .map(|i| {
            start
                .get(i)
                .copied()
                .flatten()
                .filter(|p| p[0].is_finite() && p[1].is_finite())
                // Given in the `[-1, 1]²` of a result; the layout works in a square of side 1.
                .map(|p| [p[0] / 2.0, p[1] / 2.0])
                .unwrap_or_else(|| spiral(i, nodes))
        })
        .collect();
    if nodes == 1 {
        return Some(vec![[0.0, 0.0]]);
    }
    let edges: Vec<LayoutEdge> = edges
        .iter()
        .copied()
        .filter(|e| e.a < nodes && e.b < nodes && e.a != e.b)
        .collect();
    let heaviest = edges.iter().map(|e| e.weight.abs()).fold(0.0_f64, f64::max);
    let pull: Vec<f64> = edges
        .iter()
        .map(|e| {
            if heaviest > 0.0 {
                (e.weight.abs() / heaviest).max(0.1)
            } else {
                1.0
            }
        })
        .collect();
    // The layout lives in a square of side 1 (area 1), so k = sqrt(1 / n).
    let k = (1.0 / nodes as f64).sqrt();
    let cell = 2.0 * k;
    let t0 = options.temperature;
    let mut shift = vec![[0.0_f64; 2]; nodes];
    let mut grid: std::collections::HashMap<(i64, i64), Vec<usize>> =
        std::collections::HashMap::new();
    for step in 0..options.iterations {
        if step % 8 == 0 && cancelled() {
            return None;
        }
        shift.iter_mut().for_each(|s| *s = [0.0, 0.0]);
        grid.values_mut().for_each(Vec::clear);
        for (i, p) in pos.iter().enumerate() {
            grid.entry(cell_of(*p, cell)).or_default().push(i);
        }
        // Repulsion between nodes in the same or a neighbouring cell.
        for (i, p) in pos.iter().enumerate() {
            let (cx, cy) = cell_of(*p, cell);
            for dx in -1..=1 {
                for dy in -1..=1 {
                    let Some(near) = grid.get(&(cx + dx, cy + dy)) else {
                        continue;
                    };
                    for &j in near {
                        if j == i {
                            continue;
                        }
                        let (mut ddx, mut ddy) = (p[0] - pos[j][0], p[1] - pos[j][1]);
                        let mut d2 = ddx * ddx + ddy * ddy;
                        if d2 < 1e-18 {
                            // Two nodes on one spot: push them apart along a direction
                            // given by their indices, so the result stays deterministic.
                            let angle = (i * 31 + j * 17) as f64;
                            (ddx, ddy) = (angle.cos() * 1e-6, angle.sin() * 1e-6);
                            d2 = 1e-12;
                        }
                        let d = d2.sqrt();
                        if d > cell {
                            continue;
                        }
                        let f = k * k / d;
                        shift[i][0] += ddx / d * f;
                        shift[i][1] += ddy / d * f;
                    }
                }
            }
        }
        // Attraction along the edges.
        for (e, w) in edges.iter().zip(&pull) {
            let (dx, dy) = (pos[e.a][0] - pos[e.b][0], pos[e.a][1] - pos[e.b][1]);
            let d = (dx * dx + dy * dy).sqrt();
            if d < 1e-12 {
                continue;
            }
            let f = d * d / k * w;
            let (fx, fy) = (dx / d * f, dy / d * f);
            shift[e.a][0] -= fx;
            shift[e.a][1] -= fy;
            shift[e.b][0] += fx;
            shift[e.b][1] += fy;
        }
        // A weak pull to the centre, and the step limited by the temperature.
        let t = t0 * (1.0 - step as f64 / options.iterations as f64);
        for (p, s) in pos.iter_mut().zip(&shift) {
            let (gx, gy) = (s[0] - p[0] * k * 2.0, s[1] - p[1] * k * 2.0);
            let len = (gx * gx + gy * gy).sqrt();
            if len > 1e-12 {
                let limited = len.min(t);
                p[0] += gx / len * limited;
                p[1] += gy / len * limited;
            }
        }
    }
    Some(normalised(pos))
}

/// Where node `i` of `n` starts without a given place: Vogel's sunflower spiral, which
/// spreads any number of points evenly over a disc without two on one spot.
fn spiral(i: usize, n: usize) -> [f64; 2] {
    const GOLDEN_ANGLE: f64 = 2.399_963_229_728_653;
    let r = 0.5 * ((i as f64 + 0.5) / n as f64).sqrt();
    let a = i as f64 * GOLDEN_ANGLE;
    [r * a.cos(), r * a.sin()]
}

fn cell_of(p: [f64; 2], cell: f64) -> (i64, i64) {
    ((p[0] / cell).floor() as i64, (p[1] / cell).floor() as i64)
}

/// Centres the places and scales them, keeping their proportions, into `[-1, 1]²`.
fn normalised(mut pos: Vec<[f64; 2]>) -> Vec<[f64; 2]> {
    let (mut lo, mut hi) = ([f64::MAX; 2], [f64::MIN; 2]);
    for p in &pos {
        for d in 0..2 {
            lo[d] = lo[d].min(p[d]);
            hi[d] = hi[d].max(p[d]);
        }
    }
    let centre = [(lo[0] + hi[0]) / 2.0, (lo[1] + hi[1]) / 2.0];
    let half = ((hi[0] - lo[0]).max(hi[1] - lo[1]) / 2.0).max(1e-12);
    for p in &mut pos {
        for d in 0..2 {
            p[d] = (p[d] - centre[d]) / half;
        }
    }
    pos
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(a: usize, b: usize) -> LayoutEdge {
        LayoutEdge { a, b, weight: 1.0 }
    }

    fn dist(p: [f64; 2], q: [f64; 2]) -> f64 {
        ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2)).sqrt()
    }

    fn run(n: usize, edges: &[LayoutEdge]) -> Vec<[f64; 2]> {
        force_directed(n, edges, &[], LayoutOptions::for_nodes(n))
    }

    #[test]
    fn two_groups_joined_inside_lie_apart_and_each_group_together() {
        // Two triangles (0,1,2) and (3,4,5), one thin edge between them.
        let mut edges = vec![
            edge(0, 1),
            edge(1, 2),
            edge(2, 0),
            edge(3, 4),
            edge(4, 5),
            edge(5, 3),
        ];
        edges.push(LayoutEdge {
            a: 2,
            b: 3,
            weight: 0.1,
        });
        let pos = run(6, &edges);
        let within = [dist(pos[0], pos[1]), dist(pos[3], pos[4])];
        let across = [dist(pos[0], pos[4]), dist(pos[1], pos[5])];
        for w in within {
            for a in across {
                assert!(w < a, "within {within:?} across {across:?}: {pos:?}");
            }
        }
    }

    #[test]
    fn places_are_finite_inside_the_square_and_no_two_on_one_spot() {
        // A star, an isolated node and a pair: 12 nodes.
        let mut edges: Vec<LayoutEdge> = (1..9).map(|i| edge(0, i)).collect();
        edges.push(edge(10, 11));
        edges.push(edge(3, 3)); // a loop: ignored
        edges.push(edge(3, 99)); // out of range: ignored
        let pos = run(12, &edges);
        assert_eq!(pos.len(), 12);
        for p in &pos {
            assert!(p[0].is_finite() && p[1].is_finite());
            assert!(
                p[0].abs() <= 1.0 + 1e-9 && p[1].abs() <= 1.0 + 1e-9,
                "{p:?}"
            );
        }
        for i in 0..12 {
            for j in i + 1..12 {
                assert!(dist(pos[i], pos[j]) > 1e-3, "{i} and {j} on one spot");
            }
        }
        // The hub sits among its leaves.
        let centre_of_leaves = (1..9).fold([0.0, 0.0], |c, i| {
            [c[0] + pos[i][0] / 8.0, c[1] + pos[i][1] / 8.0]
        });
        assert!(dist(pos[0], centre_of_leaves) < 0.3, "{pos:?}");
    }

    #[test]
    fn the_same_graph_gives_the_same_places_and_a_start_is_followed() {
        let edges = [edge(0, 1), edge(1, 2), edge(2, 3)];
        let a = run(4, &edges);
        assert_eq!(a, run(4, &edges));
        // Started from its own result, a path stays about where it was (a new window of a
        // time series does not scramble the picture).
        let start: Vec<Option<[f64; 2]>> = a.iter().copied().map(Some).collect();
        let b = force_directed(4, &edges, &start, LayoutOptions::settling(4));
        for (p, q) in a.iter().zip(&b) {
            assert!(dist(*p, *q) < 0.15, "{a:?} then {b:?}");
        }
    }

    #[test]
    fn no_node_one_node_and_nodes_on_one_spot_are_laid_out() {
        assert!(run(0, &[]).is_empty());
        assert_eq!(run(1, &[]), vec![[0.0, 0.0]]);
        let same = vec![Some([0.3, 0.3]); 3];
        let pos = force_directed(
            3,
            &[],
            &same,
            LayoutOptions {
                iterations: 50,
                temperature: 0.1,
            },
        );
        assert!(
            dist(pos[0], pos[1]) > 1e-3 && dist(pos[1], pos[2]) > 1e-3,
            "{pos:?}"
        );
    }

    #[test]
    fn a_cancelled_layout_stops() {
        let pos = force_directed_until(
            50,
            &[],
            &[],
            LayoutOptions {
                iterations: 1000,
                temperature: 0.1,
            },
            &|| true,
        );
        assert!(pos.is_none());
    }

    #[test]
    fn five_hundred_nodes_are_laid_out_without_overlapping_much() {
        // A ring of 500 with chords: every node lands somewhere distinct.
        let mut edges: Vec<LayoutEdge> = (0..500).map(|i| edge(i, (i + 1) % 500)).collect();
        edges.extend((0..500).step_by(7).map(|i| edge(i, (i * 13) % 500)));
        let pos = force_directed(
            500,
            &edges,
            &[],
            LayoutOptions {
                iterations: 40,
                temperature: 0.1,
            },
        );
        let mut close = 0;
        for i in 0..500 {
            for j in i + 1..500 {
                if dist(pos[i], pos[j]) < 1e-4 {
                    close += 1;
                }
            }
        }
        assert!(close < 5, "{close} pairs on one spot");
    }
}
