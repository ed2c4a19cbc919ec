//! The article view: the document text with its annotations, laid out and painted one block
//! (line) at a time, and only the blocks on screen.
//!
//! The text is cut into [`blocks`] once per document; each block is laid out by egui when it
//! first comes into view and its galley is cached until the width or the type changes. Blocks
//! never seen keep an estimated height, and the running sum of heights ([`blocks::Heights`])
//! finds the block under any y. So a frame costs what the screen shows, whatever the length
//! of the document.
//!
//! Annotations are drawn from [`layers::Layers`]: the outermost of a stack as a fill, the ones
//! nested in or overlapping it as stacked bands under the text, so they stay apart instead of
//! blending. The view also owns the mouse and caret keys of text selection; tagging and every
//! other command belong to the app.
//!
//! In compare mode ([`ArticleInput::compare`]) the compared annotators' layers are drawn as
//! bands above and below the text and the differences as tints ([`compare`]); the layer the
//! app passes (the reviewed one) keeps the usual fills. Outside compare mode nothing changes.

mod arcs;
mod bidi;
mod blocks;
mod compare;
mod input;
mod layers;
mod paint;
mod rows;

pub use arcs::{Link, LinkIndex};
pub use compare::CompareInput;
pub use input::move_edge_of;
pub use layers::{Item, Layers};

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use egui::text::{CharIndex, LayoutJob, TextFormat};
use egui::{Color32, Galley, Key, Modifiers, Pos2, Rect, Response, ScrollArea, Sense, Ui, vec2};

use crate::model::motion;
use crate::model::{
    Annotation, AnnotationId, ByteOffset, Document, Fragment, Project, SnapOptions, snap_selection,
};

use super::theme;
use blocks::{Block, Heights};
use input::EdgeDrag;

/// How the article is set: type size, line spacing, line length and how selections snap.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ViewSettings {
    /// Font size in points.
    pub font_size: f32,
    /// Line height as a factor of the font size.
    pub line_spacing: f32,
    /// Whether mouse selections snap to whole words (Alt while dragging overrides).
    pub word_snap: bool,
    /// The longest line, in average characters, centred in wider windows (0: the full width).
    pub line_length: u32,
    /// Write each annotation's tag name above its start, so colour is never the only cue.
    pub show_labels: bool,
    /// Draw every relation of the article as a labelled arc (else only the selected
    /// annotation's links, as threads).
    pub show_relations: bool,
}

impl Default for ViewSettings {
    fn default() -> Self {
        ViewSettings {
            font_size: theme::ARTICLE_FONT_SIZE,
            line_spacing: theme::ARTICLE_LINE_HEIGHT,
            word_snap: true,
            line_length: theme::ARTICLE_LINE_LENGTH,
            show_labels: false,
            show_relations: false,
        }
    }
}

impl ViewSettings {
    /// The article's text column within `available` points: its left margin and width.
    pub fn column(&self, ctx: &egui::Context, available: f32) -> (f32, f32) {
        let width = super::sizing::measure(
            available,
            self.line_length,
            average_char_width(ctx, self.font_size),
        );
        (((available - width) / 2.0).max(0.0), width)
    }
}

/// The average advance of a character of running English text in the article's type: what a
/// line length in characters is counted in. Remembered per type size and pixel density, as
/// two panels ask for it every frame.
fn average_char_width(ctx: &egui::Context, font_size: f32) -> f32 {
    const SAMPLE: &str =
        "The French strategy envisions talks between Russia and Ukraine, said the people.";
    thread_local! {
        static SEEN: std::cell::Cell<Option<((u32, u32), f32)>> =
            const { std::cell::Cell::new(None) };
    }
    let key = (font_size.to_bits(), ctx.pixels_per_point().to_bits());
    if let Some((k, width)) = SEEN.get()
        && k == key
    {
        return width;
    }
    let font = egui::FontId::proportional(font_size);
    let width: f32 = ctx.fonts_mut(|f| SAMPLE.chars().map(|c| f.glyph_width(&font, c)).sum());
    let width = width / SAMPLE.chars().count() as f32;
    SEEN.set(Some((key, width)));
    width
}

/// The text selection: where it started and where the caret is. Both are byte offsets into
/// the document text on grapheme boundaries; equal when nothing is selected (just a caret).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TextSel {
    /// Where the selection started.
    pub anchor: ByteOffset,
    /// The caret.
    pub head: ByteOffset,
}

impl TextSel {
    /// A caret at `at` with nothing selected.
    pub fn caret(at: ByteOffset) -> Self {
        TextSel {
            anchor: at,
            head: at,
        }
    }

    /// `range` selected, the caret at its end.
    pub fn over(range: Range<ByteOffset>) -> Self {
        TextSel {
            anchor: range.start,
            head: range.end,
        }
    }

    /// `range` selected from the side of `anchor` toward `to`: the caret ends where the
    /// pointer or the motion went.
    pub fn toward(anchor: ByteOffset, to: ByteOffset, range: Range<ByteOffset>) -> Self {
        if to < anchor {
            TextSel {
                anchor: range.end,
                head: range.start,
            }
        } else {
            Self::over(range)
        }
    }

    /// The selected byte range, start first.
    pub fn range(&self) -> Range<ByteOffset> {
        self.anchor.min(self.head)..self.anchor.max(self.head)
    }

    /// Whether nothing is selected.
    pub fn is_empty(&self) -> bool {
        self.anchor == self.head
    }
}

/// What the view draws besides the text.
pub struct ArticleInput<'a> {
    /// The project.
    pub project: &'a Project,
    /// The document shown.
    pub doc: &'a Document,
    /// Changes whenever the project does, so cached annotation layers are rebuilt.
    pub version: u64,
    /// Show only these annotators' layers (`None`: all).
    pub layers: Option<&'a [String]>,
    /// The selected annotation.
    pub selected: Option<&'a AnnotationId>,
    /// Annotations linked to the selected one (its speakers and conditions).
    pub linked: &'a [AnnotationId],
    /// Search hits in this document.
    pub hits: &'a [Range<ByteOffset>],
    /// The current hit, drawn stronger.
    pub current_hit: Option<usize>,
    /// Type and snapping.
    pub settings: ViewSettings,
    /// Whether the view may use the keyboard (no dialog or text field has it).
    pub keyboard: bool,
    /// Compare mode: the differences between annotators to draw (`None`: the usual view).
    pub compare: Option<CompareInput<'a>>,
}

/// What happened in the view this frame.
#[derive(Default)]
pub struct ArticleOutput {
    /// The view's response (`None` when there is nothing to show).
    pub response: Option<Response>,
    /// A click on the text: the annotation it selects (cycling through those stacked there),
    /// or `Some(None)` for a click on plain text.
    pub clicked: Option<Option<AnnotationId>>,
    /// An annotation's edge was dragged: its new fragments.
    pub resized: Option<(AnnotationId, Vec<Fragment>)>,
    /// Where a click (without Shift) landed in the text, as a byte offset.
    pub clicked_at: Option<ByteOffset>,
}

/// What the cached layouts depend on.
#[derive(Clone, Copy, Debug, PartialEq)]
struct LayoutKey {
    width: f32,
    font_size: f32,
    line_spacing: f32,
    pixels_per_point: f32,
}

/// Tells when egui starts its font atlas over, which leaves every galley laid out before
/// pointing at glyphs that are no longer there (the text turns into fragments of other
/// glyphs). egui does so when its text options change, as they do with the theme (light and
/// dark text are rasterised differently), and when the atlas fills up; it clears its own
/// galley cache then, and the view must clear its cache too.
#[derive(Default)]
struct AtlasWatch {
    /// The text options and the atlas's fill ratio seen last frame.
    seen: Option<(egui::epaint::text::TextOptions, f32)>,
}

impl AtlasWatch {
    /// Whether the atlas was started over since the last call.
    fn restarted(&mut self, ctx: &egui::Context) -> bool {
        let now = ctx.fonts(|f| (*f.options(), f.font_atlas_fill_ratio()));
        // Between restarts the atlas only fills: a lower ratio means it was emptied.
        let restarted = self
            .seen
            .as_ref()
            .is_some_and(|(options, ratio)| *options != now.0 || now.1 < *ratio);
        self.seen = Some(now);
        restarted
    }
}

/// What the layers were built for: the document, the project version, the annotators shown.
type LayersKey = (String, u64, Option<Vec<String>>);

/// One block as laid out: egui's galley, and the same rows moved apart to make room for
/// stacked bands (see [`rows`]).
struct Laid {
    base: Arc<Galley>,
    shown: Arc<Galley>,
    /// For a block with right-to-left text: where its characters are (see [`bidi`]).
    bidi: Option<Arc<bidi::BidiBlock>>,
    rooms: Vec<rows::Room>,
    /// The lanes generation the rooms were made for.
    generation: u64,
}

/// The view's state between frames: blocks, heights, cached layouts and the drag under way.
#[derive(Default)]
pub struct ArticleView {
    /// Which text the blocks were cut from: (document id, text length).
    doc_key: Option<(String, usize)>,
    blocks: Vec<Block>,
    heights: Heights,
    layout_key: Option<LayoutKey>,
    galleys: HashMap<usize, Laid>,
    /// Bumped whenever the lanes drawn may have changed (layers rebuilt or patched, compare
    /// mode on or off), so a block's rows are given room again.
    lanes_generation: u64,
    /// Whether compare mode was on in the last frame.
    comparing: bool,
    /// Whether tag names are written above the spans (outside compare mode).
    labels: bool,
    /// Whether relations are drawn as arcs (outside compare mode).
    arcs: bool,
    /// The relations between the annotations shown, for the layers they were listed for.
    links: Option<(LayersKey, Arc<arcs::LinkIndex>)>,
    /// The font atlas the cached galleys point into (see [`AtlasWatch`]).
    atlas: AtlasWatch,
    layers: Layers,
    layers_key: Option<LayersKey>,
    /// The compared layers, in compare mode.
    compare: compare::CompareLayers,
    /// Where a mouse selection started (unsnapped).
    drag_anchor: Option<ByteOffset>,
    edge_drag: Option<EdgeDrag>,
    /// Scroll so this offset shows, centred (`true`) or just inside the view.
    reveal: Option<(ByteOffset, bool)>,
    /// Height gained above the view by blocks measured this frame; scrolled away next frame.
    scroll_fix: f32,
    scroll_offset: f32,
    /// Blocks on screen in the last frame.
    visible: Range<usize>,
}

impl ArticleView {
    /// Scrolls to show byte `at` on the next frame, centred or just into view.
    pub fn reveal(&mut self, at: ByteOffset, center: bool) {
        self.reveal = Some((at, center));
    }

    /// The annotation layers of the document shown (as of the last frame).
    pub fn layers(&self) -> &Layers {
        &self.layers
    }

    /// Blocks on screen in the last frame.
    pub fn visible_blocks(&self) -> Range<usize> {
        self.visible.clone()
    }

    fn prepare(&mut self, input: &ArticleInput<'_>, key: LayoutKey) {
        let same_doc = self
            .doc_key
            .as_ref()
            .is_some_and(|(id, len)| id == input.doc.id.as_str() && *len == input.doc.text.len());
        if !same_doc {
            self.doc_key = Some((input.doc.id.as_str().to_owned(), input.doc.text.len()));
            self.blocks = blocks::split(&input.doc.text);
            self.layout_key = None;
            self.drag_anchor = None;
            self.edge_drag = None;
        }
        if self.layout_key != Some(key) {
            self.layout_key = Some(key);
            self.galleys.clear();
            let row = key.font_size * key.line_spacing;
            let per_row = (key.width / (key.font_size * 0.5)).max(1.0);
            self.heights = Heights::estimated(
                self.blocks
                    .iter()
                    .map(|b| ((b.chars as f32 / per_row).ceil().max(1.0)) * row),
            );
        }
        self.sync(input.project, input.doc, input.version, input.layers);
        if let Some(c) = &input.compare
            && self
                .compare
                .sync(input.project, &input.doc.id, input.version, c.comparison)
        {
            self.lanes_generation += 1;
        }
        if self.comparing != input.compare.is_some() {
            self.comparing = input.compare.is_some();
            self.lanes_generation += 1;
        }
        let labels = input.settings.show_labels && input.compare.is_none();
        let arcs = input.settings.show_relations && input.compare.is_none();
        if self.labels != labels || self.arcs != arcs {
            self.labels = labels;
            self.arcs = arcs;
            self.lanes_generation += 1;
        }
        if self.arcs {
            let before = self.links.as_ref().map(|(k, _)| k.clone());
            self.links(input.project);
            if before != self.links.as_ref().map(|(k, _)| k.clone()) {
                self.lanes_generation += 1;
            }
        }
    }

    /// Updates the layers in place after the annotations `ids` changed, if they were current
    /// for the version before; `version` is the project's new version. Otherwise the next
    /// [`ArticleView::sync`] rebuilds them.
    pub fn patch(
        &mut self,
        project: &Project,
        doc: &Document,
        before: u64,
        version: u64,
        ids: &[AnnotationId],
    ) {
        if let Some((d, v, layer)) = &mut self.layers_key
            && d.as_str() == doc.id.as_str()
            && *v == before
        {
            self.layers.patch(project, &doc.id, layer.as_deref(), ids);
            *v = version;
            self.lanes_generation += 1;
        }
    }

    /// After a schema change (already patched to `version`): each drawn annotation takes its
    /// tag's new colour and place, without the layers being built again.
    pub fn restyle(&mut self, project: &Project, doc: &Document, version: u64) {
        if let Some((d, v, _)) = &self.layers_key
            && d.as_str() == doc.id.as_str()
            && *v == version
        {
            self.layers.restyle(project);
            self.lanes_generation += 1;
        }
    }

    /// Rebuilds the annotation layers of `doc` if the project changed since (`version`).
    /// The app calls this before drawing the panels, so they read this frame's layers.
    pub fn sync(
        &mut self,
        project: &Project,
        doc: &Document,
        version: u64,
        layers: Option<&[String]>,
    ) {
        let fresh = self.layers_key.as_ref().is_some_and(|(d, v, l)| {
            d == doc.id.as_str() && *v == version && l.as_deref() == layers
        });
        if !fresh {
            self.lanes_generation += 1;
            self.layers = Layers::of(project, &doc.id, layers);
            self.layers_key = Some((
                doc.id.as_str().to_owned(),
                version,
                layers.map(<[String]>::to_vec),
            ));
        }
    }

    /// The galley of block `i`, laid out now if it is not cached; records its exact height
    /// and returns how much that height changed.
    fn galley(&mut self, ui: &Ui, text: &str, i: usize) -> Option<(Arc<Galley>, f32)> {
        let cached = self.galleys.get(&i);
        if let Some(laid) = cached
            && laid.generation == self.lanes_generation
        {
            return Some((laid.shown.clone(), 0.0));
        }
        let key = self.layout_key?;
        let (base, bidi) = match cached {
            Some(laid) => (laid.base.clone(), laid.bidi.clone()),
            None => self.lay_out(ui, text, i)?,
        };
        let rooms = self.rooms(text, i, &base, bidi.as_deref());
        let shown = match cached {
            Some(laid) if laid.rooms == rooms => laid.shown.clone(),
            _ if rooms.iter().all(|r| *r == rows::Room::default()) => base.clone(),
            _ => Arc::new(rows::spread(&base, &rooms, key.pixels_per_point)),
        };
        let height = shown.size().y.max(key.font_size * key.line_spacing);
        let delta = self.heights.set_exact(i, height);
        self.galleys.insert(
            i,
            Laid {
                base,
                shown: shown.clone(),
                bidi,
                rooms,
                generation: self.lanes_generation,
            },
        );
        Some((shown, delta))
    }

    /// The room each row of block `i` needs for the bands stacked on it: below, one slot
    /// per lane past the fill (and in compare mode, after those of the block, the compared
    /// annotators' bands below the line); above, the first compared annotator's levels.
    fn rooms(
        &self,
        text: &str,
        i: usize,
        base: &Galley,
        bidi: Option<&bidi::BidiBlock>,
    ) -> Vec<rows::Room> {
        let Some(block) = self.blocks.get(i) else {
            return Vec::new();
        };
        let piece = text.get(block.bytes.clone()).unwrap_or_default();
        let block_lanes = self.deepest_lane(block.bytes.clone());
        let row_bytes = match bidi {
            // Reordered rows hold the chars the reordering put there.
            Some(b) => {
                let offsets = rows::char_starts(piece);
                let at =
                    |c: usize| block.bytes.start + offsets.get(c).copied().unwrap_or(piece.len());
                b.row_chars().map(|r| at(r.start)..at(r.end)).collect()
            }
            None => rows::row_bytes(piece, block.bytes.start, base),
        };
        row_bytes
            .into_iter()
            .map(|r| {
                if self.comparing {
                    let (above, below) = self.compare.levels(r);
                    rows::Room::for_bands(block_lanes + below, above)
                } else {
                    let mut room = rows::Room::for_bands(self.deepest_lane(r.clone()), 0);
                    if self.labels && self.starts_in(r.clone()) {
                        room.above += rows::label_height(self.font_size());
                    }
                    if self.arcs && self.link_ends_in(r) {
                        room.above += rows::link_height(self.font_size());
                    }
                    room
                }
            })
            .collect()
    }

    /// The relations between the annotations shown (as of the last [`ArticleView::sync`]),
    /// listed once per change.
    pub fn links(&mut self, project: &Project) -> Arc<arcs::LinkIndex> {
        let Some(key) = self.layers_key.clone() else {
            return Arc::default();
        };
        match &self.links {
            Some((k, links)) if *k == key => links.clone(),
            _ => {
                let links = Arc::new(arcs::LinkIndex::new(arcs::links(project, &self.layers)));
                self.links = Some((key, links.clone()));
                links
            }
        }
    }

    /// Whether a link drawn as an arc starts or ends in `range`.
    fn link_ends_in(&self, range: Range<usize>) -> bool {
        self.links
            .as_ref()
            .is_some_and(|(_, links)| links.ends_in(range))
    }

    /// Whether an annotation starts in `range` (its tag name goes above that row).
    fn starts_in(&self, range: Range<usize>) -> bool {
        self.layers
            .meeting(range.clone())
            .any(|it| range.contains(&it.hull.start))
    }

    /// The article's type size now.
    fn font_size(&self) -> f32 {
        self.layout_key
            .map_or(theme::ARTICLE_FONT_SIZE, |k| k.font_size)
    }

    /// The deepest lane of the annotations with a fragment in `range` (0: fills only).
    fn deepest_lane(&self, range: Range<usize>) -> usize {
        self.layers
            .meeting(range.clone())
            .filter(|it| {
                it.fragments
                    .iter()
                    .any(|f| f.start < range.end && f.end > range.start)
            })
            .map(|it| it.lane)
            .max()
            .unwrap_or(0)
    }

    /// Block `i` laid out by egui, and reordered when it holds right-to-left text.
    fn lay_out(
        &self,
        ui: &Ui,
        text: &str,
        i: usize,
    ) -> Option<(Arc<Galley>, Option<Arc<bidi::BidiBlock>>)> {
        let job = self.job(ui.ctx(), text, i)?;
        let format = job.sections.first()?.format.clone();
        let width = job.wrap.max_width;
        let logical = ui.painter().layout_job(job);
        let piece = text.get(self.blocks.get(i)?.bytes.clone())?;
        if !bidi::needs_bidi(piece) {
            return Some((logical, None));
        }
        let (galley, block) = bidi::layout(ui, piece, &logical, &format, width);
        Some((galley, Some(Arc::new(block))))
    }

    /// The reordering of block `i`, if it holds right-to-left text (as of its last layout).
    fn bidi_of(&self, i: usize) -> Option<Arc<bidi::BidiBlock>> {
        self.galleys.get(&i)?.bidi.clone()
    }

    /// What block `i` is laid out from.
    fn job(&self, ctx: &egui::Context, text: &str, i: usize) -> Option<LayoutJob> {
        let key = self.layout_key?;
        let piece = text.get(self.blocks.get(i)?.bytes.clone())?;
        let format = TextFormat {
            font_id: egui::FontId::proportional(key.font_size),
            color: Color32::PLACEHOLDER,
            line_height: Some(key.font_size * key.line_spacing),
            ..TextFormat::default()
        };
        let mut job = if piece.chars().any(crate::ui::fonts::is_combining_mark) {
            with_marks(ctx, piece, format)
        } else {
            LayoutJob::single_section(piece.to_owned(), format)
        };
        job.wrap.max_width = key.width;
        Some(job)
    }

    /// How many cached layouts of `text` (the document shown) place a glyph elsewhere in the
    /// font atlas than a fresh layout does: what a restarted atlas leaves behind. For tests.
    pub fn stale_galleys(&self, ctx: &egui::Context, text: &str) -> usize {
        let uvs = |g: &Galley| -> Vec<_> {
            g.rows
                .iter()
                .flat_map(|r| r.row.glyphs.iter().map(|g| g.uv_rect))
                .collect()
        };
        self.galleys
            .iter()
            .filter(|(i, cached)| {
                self.job(ctx, text, **i).is_some_and(|job| {
                    let fresh = ctx.fonts_mut(|f| f.layout_job(job));
                    uvs(&fresh) != uvs(&cached.shown)
                })
            })
            .count()
    }

    /// The most characters in one laid-out row among the cached layouts: how long the
    /// article's lines run at the current width. For tests.
    pub fn longest_row_chars(&self) -> usize {
        self.galleys
            .values()
            .flat_map(|g| g.base.rows.iter().map(|r| r.row.glyphs.len()))
            .max()
            .unwrap_or(0)
    }

    /// Whether the last frame drew a comparison (bands and tints) over the text.
    pub fn drawing_comparison(&self) -> bool {
        self.comparing
    }

    /// How many blocks have a cached layout.
    pub fn cached_galleys(&self) -> usize {
        self.galleys.len()
    }

    /// The byte offset under `pos` (screen space), given the content's top-left `origin`.
    fn offset_at(&mut self, ui: &Ui, text: &str, origin: Pos2, pos: Pos2) -> ByteOffset {
        let i = self.heights.index_at(pos.y - origin.y);
        let top = self.heights.top(i);
        let Some((galley, _)) = self.galley(ui, text, i) else {
            return ByteOffset(0);
        };
        let local = pos - origin - vec2(0.0, top);
        let local = match self.bidi_of(i) {
            // Reordered: the row under the point, then the character on screen there.
            Some(b) => {
                let row = galley
                    .rows
                    .iter()
                    .position(|r| local.y < r.max_y())
                    .unwrap_or(galley.rows.len().saturating_sub(1));
                let x = local.x - galley.rows.get(row).map_or(0.0, |r| r.pos.x);
                b.char_at(row, x).unwrap_or(0)
            }
            None => galley.cursor_from_pos(local).index.0,
        };
        self.blocks
            .get(i)
            .map_or(ByteOffset(0), |b| byte_of(text, b, local))
    }

    /// The rect (screen space) of the caret before byte `at`.
    fn caret_rect(&mut self, ui: &Ui, text: &str, origin: Pos2, at: ByteOffset) -> Option<Rect> {
        let i = blocks::block_at_byte(&self.blocks, at.0);
        let (galley, _) = self.galley(ui, text, i)?;
        let block = self.blocks.get(i)?;
        let local = char_of(text, block, at.0);
        let top = self.heights.top(i);
        let rect = match self.bidi_of(i).and_then(|b| b.caret(local)) {
            Some((row, x)) => bidi::caret_rect(&galley, row, x),
            None => paint::caret_rect(&galley, local),
        };
        Some(paint::place(rect, origin + vec2(0.0, top)))
    }

    /// Shows the article and handles the mouse and the caret keys. `sel` is the text
    /// selection, changed in place.
    pub fn show(
        &mut self,
        ui: &mut Ui,
        input: &ArticleInput<'_>,
        sel: &mut TextSel,
    ) -> ArticleOutput {
        let text = input.doc.text.as_str();
        let full = ui.available_width().max(50.0);
        let (margin, width) = input.settings.column(ui.ctx(), full);
        let width = width.max(50.0);
        let key = LayoutKey {
            width,
            font_size: input.settings.font_size,
            line_spacing: input.settings.line_spacing,
            pixels_per_point: ui.ctx().pixels_per_point(),
        };
        self.prepare(input, key);
        if self.atlas.restarted(ui.ctx()) {
            // Heights stay exact: only the glyphs' places in the atlas changed.
            self.galleys.clear();
        }
        if sel.head.0 > text.len() || sel.anchor.0 > text.len() {
            *sel = TextSel::default();
        }

        let mut area = ScrollArea::vertical()
            .id_salt(("article", input.doc.id.as_str()))
            .auto_shrink(false);
        if self.scroll_fix != 0.0 {
            area = area.vertical_scroll_offset((self.scroll_offset + self.scroll_fix).max(0.0));
            self.scroll_fix = 0.0;
        }
        let mut out = ArticleOutput::default();
        let scrolled = area.show_viewport(ui, |ui, viewport| {
            let total = self.heights.total();
            // The whole width scrolls with the wheel; the text column takes the clicks and
            // drags, and is what screen readers see as the article.
            let (space, _) = ui.allocate_exact_size(vec2(full, total), Sense::hover());
            let column = Rect::from_min_size(space.min + vec2(margin, 0.0), vec2(width, total));
            let response = ui.interact(
                column,
                ui.scope_id().with("article text"),
                Sense::click_and_drag(),
            );
            let origin = column.min;
            // Arrow keys move the caret, not the keyboard focus to a neighbouring widget.
            if response.has_focus() {
                ui.memory_mut(|m| {
                    m.set_focus_lock_filter(
                        response.id,
                        egui::EventFilter {
                            horizontal_arrows: true,
                            vertical_arrows: true,
                            ..Default::default()
                        },
                    );
                });
            }
            self.mouse(ui, input, sel, origin, &response, viewport, &mut out);
            if input.keyboard {
                // Space pages only when no other widget has the focus: a focused button or
                // checkbox takes Space as its click.
                let space = ui.memory(|m| m.focused().is_none_or(|f| f == response.id));
                self.keys(ui, text, sel, origin, viewport, space);
            }
            if let Some((at, center)) = self.reveal.take()
                && let Some(r) = self.caret_rect(ui, text, origin, at)
            {
                let align = center.then_some(egui::Align::Center);
                ui.scroll_to_rect(r.expand(8.0), align);
            }
            self.paint(ui, input, sel, origin, viewport);
            self.hover(ui, input, origin, &response);
            let response = self.accessible(response, input, sel);
            out.response = Some(response);
        });
        self.scroll_offset = scrolled.state.clamped_offset().y;
        out
    }

    /// Drops cached layouts far from the screen so memory follows the screen too.
    fn evict(&mut self) {
        const KEEP: usize = 300;
        if self.galleys.len() > KEEP {
            let (lo, hi) = (
                self.visible.start.saturating_sub(KEEP / 3),
                self.visible.end + KEEP / 3,
            );
            self.galleys.retain(|i, _| (lo..hi).contains(i));
        }
    }

    fn hover(&mut self, ui: &Ui, input: &ArticleInput<'_>, origin: Pos2, response: &Response) {
        if self.drag_anchor.is_some() || self.edge_drag.is_some() {
            return;
        }
        let Some(pos) = response.hover_pos() else {
            return;
        };
        if self.edge_under(ui, input, origin, pos).is_some() {
            ui.ctx().set_cursor_icon(egui::CursorIcon::ResizeHorizontal);
            return;
        }
        ui.ctx().set_cursor_icon(egui::CursorIcon::Text);
        let text = input.doc.text.as_str();
        let at = self.offset_at(ui, text, origin, pos);
        let mut items = self.layers.at(at);
        if input.compare.is_some() {
            items.extend(self.compare.at(at));
        }
        let hovered: Vec<&Annotation> = items
            .into_iter()
            .filter_map(|i| input.project.annotations.get(&i.id))
            .collect();
        if !hovered.is_empty() {
            response.clone().on_hover_ui_at_pointer(|ui| {
                for a in &hovered {
                    hover_card_ui(ui, input.project, a);
                }
            });
        }
    }

    /// Exposes the text and the selection to AccessKit (screen readers, kittest).
    fn accessible(&self, response: Response, input: &ArticleInput<'_>, sel: &TextSel) -> Response {
        let text = &input.doc.text;
        let title = &input.doc.meta.title;
        response.widget_info(|| {
            let mut info = egui::WidgetInfo::labeled(
                egui::Role::Document,
                true,
                format!("Article text: {title}"),
            );
            let chars = |b: ByteOffset| text.get(..b.0).map_or(0, |s| s.chars().count());
            let r = sel.range();
            info.current_text_value = Some(text.clone());
            info.text_selection = Some(CharIndex(chars(r.start))..CharIndex(chars(r.end)));
            info
        });
        response
    }
}

/// `piece` as sections: the letters carrying combining marks the text font lacks in the
/// family that has them ([`crate::ui::fonts::MARKS`]), everything else in `format`.
fn with_marks(ctx: &egui::Context, piece: &str, format: TextFormat) -> LayoutJob {
    use crate::ui::fonts::{MARKS, TEXT_ONLY, is_combining_mark};
    use unicode_segmentation::UnicodeSegmentation;
    let text_only = egui::FontId::new(
        format.font_id.size,
        egui::FontFamily::Name(TEXT_ONLY.into()),
    );
    let mut marked = format.clone();
    marked.font_id.family = egui::FontFamily::Name(MARKS.into());
    let mut job = LayoutJob::default();
    let mut run: Option<(Range<usize>, bool)> = None;
    for (at, cluster) in piece.grapheme_indices(true) {
        let needs = cluster
            .chars()
            .skip(1)
            .any(|c| is_combining_mark(c) && !ctx.fonts_mut(|f| f.has_glyph(&text_only, c)));
        match &mut run {
            Some((r, n)) if *n == needs => r.end = at + cluster.len(),
            _ => {
                if let Some((r, n)) = run.take() {
                    job.append(
                        piece.get(r).unwrap_or_default(),
                        0.0,
                        if n { marked.clone() } else { format.clone() },
                    );
                }
                run = Some((at..at + cluster.len(), needs));
            }
        }
    }
    if let Some((r, n)) = run {
        job.append(
            piece.get(r).unwrap_or_default(),
            0.0,
            if n { marked } else { format },
        );
    }
    job
}

/// The byte offset of char `local` of `block`.
fn byte_of(text: &str, block: &Block, local: usize) -> ByteOffset {
    let piece = text.get(block.bytes.clone()).unwrap_or_default();
    let within = piece
        .char_indices()
        .nth(local)
        .map_or(piece.len(), |(b, _)| b);
    ByteOffset(block.bytes.start + within)
}

/// The char index within `block` of byte `at` (clamped to the block).
fn char_of(text: &str, block: &Block, at: usize) -> usize {
    let at = at.clamp(block.bytes.start, block.bytes.end);
    text.get(block.bytes.start..at)
        .map_or(0, |s| s.chars().count())
}

/// Tag, entity, note and annotator of one annotation, for the hover card.
fn hover_card_ui(ui: &mut Ui, project: &Project, a: &Annotation) {
    let tag = project.schema.tag(&a.tag);
    ui.horizontal(|ui| {
        if let Some(t) = tag {
            theme::swatch_ui(ui, t.color);
        }
        ui.strong(tag.map_or(a.tag.as_str(), |t| t.label.as_str()));
        if let Some(e) = a.entity.as_ref().and_then(|e| project.entities.get(e)) {
            ui.label(format!("→ {}", e.name));
        }
    });
    let declared = tag.map_or(&[][..], |t| &t.attributes[..]);
    for v in crate::model::shown_values(declared, &a.values, &project.codebooks) {
        ui.horizontal(|ui| {
            if let Some(c) = v.color {
                theme::swatch_ui(ui, c);
            }
            ui.label(format!("{}: {}", v.attribute, v.text));
        });
    }
    if !a.note.is_empty() {
        ui.label(&a.note);
    }
    ui.weak(format!("by {}", a.annotator));
}
