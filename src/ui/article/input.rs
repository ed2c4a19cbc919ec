//! The article view's input: the mouse (selecting, clicking, dragging an annotation's edge)
//! and the caret keys, and the rules for moving an edge.

use super::*;

/// Which end of an annotation is being dragged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Edge {
    Start,
    End,
}

/// An annotation's edge being dragged, and its fragments as the drag has moved them so far.
#[derive(Clone, Debug)]
pub(super) struct EdgeDrag {
    id: AnnotationId,
    edge: Edge,
    pub(super) fragments: Vec<Fragment>,
}

impl ArticleView {
    #[expect(
        clippy::too_many_arguments,
        reason = "one call site; the pieces of one frame"
    )]
    pub(super) fn mouse(
        &mut self,
        ui: &mut Ui,
        input: &ArticleInput<'_>,
        sel: &mut TextSel,
        origin: Pos2,
        response: &Response,
        viewport: Rect,
        out: &mut ArticleOutput,
    ) {
        let text = input.doc.text.as_str();
        let mods = ui.input(|i| i.modifiers);
        let snap = |range: Range<ByteOffset>, alt: bool| {
            snap_selection(
                text,
                range.clone(),
                SnapOptions {
                    words: input.settings.word_snap && !alt,
                    trim: true,
                },
            )
            .unwrap_or(range.start..range.start)
        };
        if response.drag_started() {
            response.request_focus();
            let press = ui.input(|i| i.pointer.press_origin()).unwrap_or_default();
            self.edge_drag = self.edge_under(ui, input, origin, press);
            if self.edge_drag.is_none() {
                let at = self.offset_at(ui, text, origin, press);
                self.drag_anchor = Some(if mods.shift { sel.anchor } else { at });
            }
        }
        if response.dragged()
            && let Some(pos) = response.interact_pointer_pos()
        {
            let at = self.offset_at(ui, text, origin, pos);
            if let Some(edge) = &mut self.edge_drag {
                let at = if mods.alt {
                    crate::model::floor_grapheme(text, at)
                } else {
                    snap_edge(text, at, edge.edge, input.settings.word_snap)
                };
                move_edge(&mut edge.fragments, edge.edge, at);
            } else if let Some(anchor) = self.drag_anchor {
                let (lo, hi) = (anchor.min(at), anchor.max(at));
                *sel = TextSel::toward(anchor, at, snap(lo..hi, mods.alt));
            }
            // Scroll while dragging past the top or bottom of the view.
            let local_y = pos.y - origin.y;
            if local_y < viewport.min.y && viewport.min.y > 0.0 {
                ui.scroll_with_delta(vec2(0.0, 12.0));
            } else if local_y > viewport.max.y && viewport.max.y < self.heights.total() {
                ui.scroll_with_delta(vec2(0.0, -12.0));
            }
        }
        if response.drag_stopped() {
            self.drag_anchor = None;
            if let Some(edge) = self.edge_drag.take() {
                out.resized = Some((edge.id, edge.fragments));
            }
        }
        let Some(pos) = response.interact_pointer_pos() else {
            return;
        };
        if response.triple_clicked() {
            let at = self.offset_at(ui, text, origin, pos);
            *sel = TextSel::over(motion::sentence_at(text, at));
        } else if response.double_clicked() {
            let at = self.offset_at(ui, text, origin, pos);
            if let Some(r) = motion::word_at(text, at) {
                *sel = TextSel::over(r);
            }
        } else if response.clicked() {
            response.request_focus();
            let at = self.offset_at(ui, text, origin, pos);
            if mods.shift {
                let r = snap(sel.anchor.min(at)..sel.anchor.max(at), mods.alt);
                *sel = TextSel::toward(sel.anchor, at, r);
                return;
            }
            *sel = TextSel::caret(crate::model::floor_grapheme(text, at));
            out.clicked_at = Some(at);
            let stack: Vec<AnnotationId> = self
                .layers
                .at(at)
                .into_iter()
                .map(|i| i.id.clone())
                .collect();
            let next = match input
                .selected
                .and_then(|s| stack.iter().position(|i| i == s))
            {
                Some(p) => stack.get((p + 1) % stack.len()).cloned(),
                None => stack.first().cloned(),
            };
            out.clicked = Some(next);
        }
    }

    /// The edge of the selected annotation under `pos`, if the pointer is on one.
    pub(super) fn edge_under(
        &mut self,
        ui: &Ui,
        input: &ArticleInput<'_>,
        origin: Pos2,
        pos: Pos2,
    ) -> Option<EdgeDrag> {
        let id = input.selected?;
        let a = input.project.annotations.get(id)?;
        let text = input.doc.text.as_str();
        for (edge, at) in [(Edge::Start, a.start()), (Edge::End, a.end())] {
            let r = self.caret_rect(ui, text, origin, at)?;
            if (r.center().x - pos.x).abs() <= 5.0 && r.y_range().contains(pos.y) {
                return Some(EdgeDrag {
                    id: id.clone(),
                    edge,
                    fragments: a.fragments.clone(),
                });
            }
        }
        None
    }

    /// Caret keys: arrows (Shift extends, Ctrl by word), Home/End (Ctrl: the whole text),
    /// Page Down/Up (Shift extends) and, with `space`, Space/Shift+Space, which scroll by a
    /// page. `viewport` is the part of the content on screen.
    pub(super) fn keys(
        &mut self,
        ui: &mut Ui,
        text: &str,
        sel: &mut TextSel,
        origin: Pos2,
        viewport: Rect,
        space: bool,
    ) {
        if ui.ctx().text_edit_focused() {
            return;
        }
        self.page_keys(ui, text, sel, origin, viewport, space);
        let keys = [
            Key::ArrowLeft,
            Key::ArrowRight,
            Key::ArrowUp,
            Key::ArrowDown,
            Key::Home,
            Key::End,
        ];
        let mut pressed = Vec::new();
        ui.input_mut(|i| {
            for key in keys {
                for mods in [
                    Modifiers::NONE,
                    Modifiers::SHIFT,
                    Modifiers::COMMAND,
                    Modifiers::COMMAND | Modifiers::SHIFT,
                ] {
                    if crate::ui::commands::take_key(i, mods, key) {
                        pressed.push((key, mods));
                    }
                }
            }
        });
        for (key, mods) in pressed {
            let head = sel.head;
            let word = mods.command;
            let to = match key {
                Key::ArrowLeft if word => motion::prev_word_start(text, head),
                Key::ArrowRight if word => motion::next_word_end(text, head),
                Key::ArrowLeft => motion::prev_grapheme(text, head),
                Key::ArrowRight => motion::next_grapheme(text, head),
                Key::Home if word => ByteOffset(0),
                Key::End if word => ByteOffset(text.len()),
                Key::Home | Key::End | Key::ArrowUp | Key::ArrowDown => {
                    self.row_motion(ui, text, origin, head, key)
                }
                _ => head,
            };
            sel.head = to;
            if !mods.shift {
                sel.anchor = to;
            }
            self.reveal = Some((to, false));
        }
    }

    /// Page Down and Page Up (Shift extends the selection), Space and Shift+Space (the
    /// caret follows, nothing is selected): the view scrolls by its height less one row, so
    /// the last line read stays in sight, and the caret keeps its place on the screen.
    fn page_keys(
        &mut self,
        ui: &mut Ui,
        text: &str,
        sel: &mut TextSel,
        origin: Pos2,
        viewport: Rect,
        space: bool,
    ) {
        let mut pages = Vec::new();
        ui.input_mut(|i| {
            for (mods, key, down, extend) in [
                (Modifiers::NONE, Key::PageDown, true, false),
                (Modifiers::SHIFT, Key::PageDown, true, true),
                (Modifiers::NONE, Key::PageUp, false, false),
                (Modifiers::SHIFT, Key::PageUp, false, true),
                (Modifiers::NONE, Key::Space, true, false),
                (Modifiers::SHIFT, Key::Space, false, false),
            ] {
                if key == Key::Space && !space {
                    continue;
                }
                while crate::ui::commands::take_key(i, mods, key) {
                    pages.push((down, extend));
                }
            }
        });
        for (down, extend) in pages {
            let Some(caret) = self.caret_rect(ui, text, origin, sel.head) else {
                return;
            };
            let row = caret.height().max(1.0);
            let page = (viewport.height() - row).max(row);
            let total = self.heights.total();
            // How far the view can actually go, so the caret moves as much as the text.
            let moved = if down {
                page.min((total - viewport.max.y).max(0.0))
            } else {
                page.min(viewport.min.y.max(0.0))
            };
            let y = (caret.center().y - origin.y).clamp(viewport.min.y, viewport.max.y - row);
            let target_y = if down { y + page } else { y - page };
            let to = if target_y >= total {
                ByteOffset(text.len())
            } else if target_y < 0.0 {
                ByteOffset(0)
            } else {
                let at = self.offset_at(
                    ui,
                    text,
                    origin,
                    Pos2::new(caret.center().x, origin.y + target_y),
                );
                crate::model::floor_grapheme(text, at)
            };
            sel.head = to;
            if !extend {
                sel.anchor = to;
            }
            let delta = if down { -moved } else { moved };
            ui.scroll_with_delta(vec2(0.0, delta));
        }
    }

    /// Up and down a visual row, or to its start or end.
    pub(super) fn row_motion(
        &mut self,
        ui: &Ui,
        text: &str,
        origin: Pos2,
        head: ByteOffset,
        key: Key,
    ) -> ByteOffset {
        let Some(r) = self.caret_rect(ui, text, origin, head) else {
            return head;
        };
        let row = r.height().max(1.0);
        // Home goes to where the row's reading starts: its right end in a right-to-left
        // paragraph.
        let rtl = self
            .bidi_of(super::blocks::block_at_byte(&self.blocks, head.0))
            .is_some_and(|b| b.rtl_paragraph);
        let (left, right) = (
            Pos2::new(origin.x - 1000.0, r.center().y),
            Pos2::new(origin.x + 1e6, r.center().y),
        );
        let target = match key {
            Key::ArrowUp => r.center() - vec2(0.0, row),
            Key::ArrowDown => r.center() + vec2(0.0, row),
            Key::Home if rtl => right,
            Key::Home => left,
            _ if rtl => left,
            _ => right,
        };
        if target.y < origin.y {
            return ByteOffset(0);
        }
        if target.y > origin.y + self.heights.total() {
            return ByteOffset(text.len());
        }
        crate::model::floor_grapheme(text, self.offset_at(ui, text, origin, target))
    }
}

/// Snaps a dragged edge: to a word boundary when snapping to words, else a grapheme.
fn snap_edge(text: &str, at: ByteOffset, edge: Edge, words: bool) -> ByteOffset {
    let at = crate::model::floor_grapheme(text, at);
    if !words {
        return at;
    }
    match (edge, motion::word_at(text, at)) {
        (Edge::Start, Some(w)) => w.start,
        (Edge::End, Some(w)) if w.start == at => at,
        (Edge::End, Some(w)) => w.end,
        _ => at,
    }
}

/// Moves the start of the first fragment or the end of the last to `at`, keeping every
/// fragment non-empty.
pub fn move_edge_of(fragments: &[Fragment], edge_is_start: bool, at: ByteOffset) -> Vec<Fragment> {
    let mut f = fragments.to_vec();
    move_edge(
        &mut f,
        if edge_is_start {
            Edge::Start
        } else {
            Edge::End
        },
        at,
    );
    f
}

fn move_edge(fragments: &mut [Fragment], edge: Edge, at: ByteOffset) {
    match edge {
        Edge::Start => {
            if let Some(first) = fragments.first_mut()
                && at < first.end
            {
                first.start = at;
            }
        }
        Edge::End => {
            if let Some(last) = fragments.last_mut()
                && at > last.start
            {
                last.end = at;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edges_move_without_emptying_a_fragment() {
        let f = vec![
            Fragment::new(ByteOffset(2)..ByteOffset(5)),
            Fragment::new(ByteOffset(9)..ByteOffset(12)),
        ];
        let moved = move_edge_of(&f, true, ByteOffset(0));
        assert_eq!(moved[0].start, ByteOffset(0));
        let moved = move_edge_of(&f, false, ByteOffset(15));
        assert_eq!(moved[1].end, ByteOffset(15));
        assert_eq!(move_edge_of(&f, true, ByteOffset(7)), f, "past its own end");
        assert_eq!(move_edge_of(&f, false, ByteOffset(9)), f);
    }

    #[test]
    fn edges_snap_to_words() {
        let text = "said Emmanuel Macron today";
        assert_eq!(
            snap_edge(text, ByteOffset(8), Edge::Start, true),
            ByteOffset(5)
        );
        assert_eq!(
            snap_edge(text, ByteOffset(17), Edge::End, true),
            ByteOffset(20)
        );
        assert_eq!(
            snap_edge(text, ByteOffset(17), Edge::End, false),
            ByteOffset(17)
        );
    }
}
