//! The inks a PDF prints with, measured from its content streams: the total ink of every
//! colour each page paints, for the total-ink limit of the printing condition and the
//! preflight report.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context, Result};
use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Document, Object, ObjectId, Stream};

use super::checks::{inherited, lossy, page_rect, rect_of};
use crate::finish::edit::object_dict;

/// The inks one page of a PDF sets for painting, read from its content streams (and the Form
/// XObjects, tiling patterns and shadings they use).
///
/// Values are percentages (0–100 per ink). "Inside" means painted where it can show within the
/// page's BleedBox (its TrimBox, CropBox or MediaBox when it has none), after the clipping the
/// content sets up; marks in the slug around the bleed, such as crop marks in registration
/// colour, are counted apart. Places are estimated from bounding boxes (text from its origin and
/// font size), so a colour painted right at the bleed's edge may be counted on either side.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageInk {
    /// The page number, from 1.
    pub page: usize,
    /// The highest total ink (C + M + Y + K, plus spot tints) of a colour painted inside.
    pub max_total: f32,
    /// The highest total ink of a colour painted anywhere on the media, slug included.
    pub max_total_media: f32,
    /// The distinct DeviceCMYK (or 4-component ICCBased) colours painted inside, as
    /// `[c, m, y, k]` percentages rounded to 0.1, in ascending order.
    pub cmyk: Vec<[f32; 4]>,
    /// The distinct CMYK colours painted only outside (in the slug).
    pub cmyk_outside: Vec<[f32; 4]>,
    /// The distinct DeviceGray levels painted anywhere, as the percentage of black ink they
    /// print (`1 - g`; DeviceGray prints on the K plate under a CMYK output intent).
    pub gray: Vec<f32>,
    /// Every use of RGB: the `rg`/`RG` operators, RGB colour spaces (DeviceRGB, CalRGB,
    /// 3-component ICCBased, Indexed on them) selected for painting, RGB images and shadings.
    pub rgb: Vec<String>,
    /// What was painted but not measured: images (their pixels are not read), spot colours,
    /// Lab colours, shadings whose functions are not evaluated.
    pub unmeasured: Vec<String>,
    /// The thinnest line stroked inside, in points (a zero width is the thinnest the device
    /// can draw).
    pub thinnest: Option<f64>,
    /// Each raster image painted: its colour space (as `space` names it) and its resolution
    /// at the size it is painted, the lower of across and down, in pixels per inch.
    pub images: Vec<(String, f64)>,
}

/// Measures, page by page, the inks `pdf` paints with: every fill and stroke colour set with
/// `k`/`K`, `g`/`G`, `sc`/`scn`/`SC`/`SCN` and used by a painting operator, in the page's
/// content streams and everything they draw (Form XObjects, tiling patterns, shadings).
///
/// Used to check a print file against a total ink limit (300 % for PSO Coated v3): compare
/// [`PageInk::max_total`] with it. Fails only if the PDF cannot be read.
pub fn ink_coverage(pdf: &[u8]) -> Result<Vec<PageInk>> {
    let doc = Document::load_mem(pdf).context("cannot read the PDF")?;
    ink_coverage_of(&doc)
}

/// [`ink_coverage`] of a PDF already read.
pub fn ink_coverage_of(doc: &Document) -> Result<Vec<PageInk>> {
    doc.get_pages().into_iter().map(|(number, id)| page_ink(doc, number as usize, id)).collect()
}

/// The inks of page `number`, object `id`, of `doc`.
pub(super) fn page_ink(doc: &Document, number: usize, id: ObjectId) -> Result<PageInk> {
    let media = page_rect(doc, id, b"MediaBox")?.context(format!("page {number} has no MediaBox"))?;
    let visible = [&b"BleedBox"[..], b"TrimBox", b"CropBox"]
        .iter()
        .find_map(|key| page_rect(doc, id, key).ok().flatten())
        .unwrap_or(media);
    let resources = inherited(doc, id, b"Resources").and_then(|r| doc.dereference(r).ok()).map(|r| r.1);
    let content = doc.get_page_content(id)?;
    let mut scan = Scan { doc, visible, tally: Tally::default(), forms: Vec::new() };
    let state = GState::new(media);
    let ops = Content::decode(&content).context(format!("cannot read the content of page {number}"))?;
    scan.run(&ops.operations, resources.and_then(|r| r.as_dict().ok()), state)?;
    Ok(scan.tally.finish(number))
}

/// The most Form XObjects, patterns and shadings nested in one another that are followed.
const MAX_NESTING: usize = 16;

/// An axis-aligned rectangle in the page's default user space.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Bounds {
    pub(super) x0: f64,
    pub(super) y0: f64,
    pub(super) x1: f64,
    pub(super) y1: f64,
}

impl Bounds {
    /// The rectangle of two corners, in any order.
    pub(super) fn new(a: (f64, f64), b: (f64, f64)) -> Self {
        Bounds { x0: a.0.min(b.0), y0: a.1.min(b.1), x1: a.0.max(b.0), y1: a.1.max(b.1) }
    }

    /// The smallest rectangle holding this one and the point `p`.
    fn with(self, p: (f64, f64)) -> Self {
        Bounds { x0: self.x0.min(p.0), y0: self.y0.min(p.1), x1: self.x1.max(p.0), y1: self.y1.max(p.1) }
    }

    /// Where this rectangle and `other` overlap (empty: `x0 > x1` or `y0 > y1`).
    fn intersect(self, other: Bounds) -> Self {
        Bounds {
            x0: self.x0.max(other.x0),
            y0: self.y0.max(other.y0),
            x1: self.x1.min(other.x1),
            y1: self.y1.min(other.y1),
        }
    }

    /// Whether something painted over this rectangle shows in `area`: they overlap over more
    /// than a line along their edges (a hairline lying inside counts, one touching it does not).
    fn shows_in(self, area: Bounds) -> bool {
        const EPS: f64 = 0.05;
        let o = self.intersect(area);
        let (w, h) = (o.x1 - o.x0, o.y1 - o.y0);
        w >= -EPS
            && h >= -EPS
            && (w > EPS || h > EPS)
            && o.x1 > area.x0 + EPS
            && o.x0 < area.x1 - EPS
            && o.y1 > area.y0 + EPS
            && o.y0 < area.y1 - EPS
    }

    /// Whether `inner` lies within this rectangle (to 0.01 pt).
    pub(super) fn contains(self, inner: Bounds) -> bool {
        const EPS: f64 = 0.01;
        inner.x0 >= self.x0 - EPS
            && inner.y0 >= self.y0 - EPS
            && inner.x1 <= self.x1 + EPS
            && inner.y1 <= self.y1 + EPS
    }

    /// This rectangle's four corners through `m`, as the rectangle around them.
    fn transform(self, m: &Matrix) -> Self {
        let corners = [(self.x0, self.y0), (self.x1, self.y0), (self.x0, self.y1), (self.x1, self.y1)];
        let first = apply(m, corners[0]);
        corners[1..].iter().fold(Bounds::new(first, first), |r, &c| r.with(apply(m, c)))
    }
}

/// A PDF transformation matrix `[a b c d e f]`.
type Matrix = [f64; 6];

/// The identity matrix.
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `m` then `n`: the matrix mapping a point through `m`, then through `n`.
fn multiply(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

/// The point `p` through `m`.
fn apply(m: &Matrix, p: (f64, f64)) -> (f64, f64) {
    (m[0] * p.0 + m[2] * p.1 + m[4], m[1] * p.0 + m[3] * p.1 + m[5])
}

/// Six numbers as a matrix.
fn matrix(values: &[Object]) -> Option<Matrix> {
    let v: Vec<f64> = values.iter().filter_map(number).collect();
    <[f64; 6]>::try_from(v.as_slice()).ok().filter(|_| values.len() == 6)
}

/// A number object's value.
pub(super) fn number(o: &Object) -> Option<f64> {
    match o {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(f64::from(*r)),
        _ => None,
    }
}

/// A colour space, as far as ink goes.
#[derive(Debug, Clone, PartialEq)]
enum Space {
    Gray,
    Cmyk,
    /// An RGB space (described).
    Rgb(String),
    /// A space whose colours are not measured: Separation, DeviceN, Lab (described).
    Other(String),
    /// A pattern space, with the space of an uncoloured pattern's colour, if any.
    Pattern(Option<Box<Space>>),
}

/// A colour set for painting.
#[derive(Debug, Clone, PartialEq)]
enum Paint {
    Gray(f32),
    Cmyk([f32; 4]),
    Rgb(String),
    Other(String),
    /// A pattern by resource name, with the colour of an uncoloured one.
    Pattern(Vec<u8>, Option<Box<Paint>>),
}

impl Space {
    /// The colour a space starts with when it is selected (`cs`).
    fn initial(&self) -> Paint {
        match self {
            Space::Gray => Paint::Gray(0.0),
            Space::Cmyk => Paint::Cmyk([0.0, 0.0, 0.0, 1.0]),
            Space::Rgb(what) => Paint::Rgb(what.clone()),
            Space::Other(what) => Paint::Other(what.clone()),
            Space::Pattern(_) => Paint::Pattern(Vec::new(), None),
        }
    }

    /// The colour of the operands of `sc`/`scn` in this space.
    fn paint(&self, operands: &[Object]) -> Paint {
        let values: Vec<f32> = operands.iter().filter_map(number).map(|v| v as f32).collect();
        match (self, values.as_slice()) {
            (Space::Gray, &[g]) => Paint::Gray(g),
            (Space::Cmyk, &[c, m, y, k]) => Paint::Cmyk([c, m, y, k]),
            (Space::Pattern(base), _) => {
                let name = operands.last().and_then(|o| o.as_name().ok()).unwrap_or_default().to_vec();
                let under =
                    base.as_ref().map(|b| Box::new(b.paint(&operands[..operands.len().saturating_sub(1)])));
                Paint::Pattern(name, under)
            }
            (Space::Rgb(what), _) => Paint::Rgb(what.clone()),
            (Space::Other(what), _) => Paint::Other(format!("{what} {values:?}")),
            (space, _) => Paint::Other(format!("{space:?} with operands {values:?}")),
        }
    }
}

/// What the scan found on one page so far.
#[derive(Debug, Default)]
struct Tally {
    max_inside: f32,
    max_media: f32,
    /// Colours in tenths of a percent, with whether one was painted inside.
    cmyk: BTreeMap<[i32; 4], bool>,
    gray: BTreeSet<i32>,
    rgb: BTreeSet<String>,
    unmeasured: BTreeSet<String>,
    /// The thinnest line stroked inside, in points.
    thinnest: Option<f64>,
    images: Vec<(String, f64)>,
}

impl Tally {
    /// A CMYK colour (0–1 per ink) painted inside the visible area or not.
    fn cmyk(&mut self, c: [f32; 4], inside: bool) {
        let total = c.iter().map(|v| v.clamp(0.0, 1.0)).sum::<f32>() * 100.0;
        self.total(total, inside);
        let key = c.map(|v| (v.clamp(0.0, 1.0) * 1000.0).round() as i32);
        *self.cmyk.entry(key).or_default() |= inside;
    }

    /// A DeviceGray level painted inside or not.
    fn gray(&mut self, g: f32, inside: bool) {
        let k = (1.0 - g.clamp(0.0, 1.0)) * 100.0;
        self.total(k, inside);
        self.gray.insert((k * 10.0).round() as i32);
    }

    /// A colour's total ink.
    fn total(&mut self, total: f32, inside: bool) {
        self.max_media = self.max_media.max(total);
        if inside {
            self.max_inside = self.max_inside.max(total);
        }
    }

    /// The page's findings.
    fn finish(self, page: usize) -> PageInk {
        let percent = |key: &[i32; 4]| key.map(|v| v as f32 / 10.0);
        PageInk {
            page,
            max_total: self.max_inside,
            max_total_media: self.max_media,
            cmyk: self.cmyk.iter().filter(|(_, inside)| **inside).map(|(k, _)| percent(k)).collect(),
            cmyk_outside: self.cmyk.iter().filter(|(_, inside)| !**inside).map(|(k, _)| percent(k)).collect(),
            gray: self.gray.iter().map(|&k| k as f32 / 10.0).collect(),
            rgb: self.rgb.into_iter().collect(),
            unmeasured: self.unmeasured.into_iter().collect(),
            thinnest: self.thinnest,
            images: self.images,
        }
    }
}

/// The graphics state, as far as the scan follows it.
#[derive(Debug, Clone)]
struct GState {
    ctm: Matrix,
    /// Where painting shows (the clipping path's bounding box), in default user space.
    clip: Bounds,
    fill_space: Space,
    fill: Paint,
    stroke_space: Space,
    stroke: Paint,
    /// Text rendering mode (`Tr`), text matrix and line matrix, font size.
    text_mode: i64,
    tm: Matrix,
    tlm: Matrix,
    leading: f64,
    font_size: f64,
    /// Set inside a tiling pattern: whether the area it fills shows (geometry is not followed).
    forced: Option<bool>,
    /// The line width (`w`), in user space.
    line_width: f64,
}

impl GState {
    /// The initial graphics state of a page whose MediaBox is `media`.
    fn new(media: Bounds) -> Self {
        GState {
            ctm: IDENTITY,
            clip: media,
            fill_space: Space::Gray,
            fill: Paint::Gray(0.0),
            stroke_space: Space::Gray,
            stroke: Paint::Gray(0.0),
            text_mode: 0,
            tm: IDENTITY,
            tlm: IDENTITY,
            leading: 0.0,
            font_size: 0.0,
            forced: None,
            line_width: 1.0,
        }
    }
}

/// A scan of one page's content.
struct Scan<'a> {
    doc: &'a Document,
    /// The page's visible area (BleedBox).
    visible: Bounds,
    tally: Tally,
    /// The Form XObjects, patterns and shadings being scanned, innermost last (against loops).
    forms: Vec<ObjectId>,
}

/// The state of one content stream being scanned.
struct Nested<'r> {
    resources: Option<&'r Dictionary>,
    stack: Vec<GState>,
    gs: GState,
    /// The current path's bounding box, and a clip waiting for the path to be painted.
    path: Option<Bounds>,
    clip_pending: bool,
}

impl<'a> Scan<'a> {
    /// Scans the operations `ops` drawn with `resources`, starting from `state`.
    fn run(&mut self, ops: &[Operation], resources: Option<&'a Dictionary>, state: GState) -> Result<()> {
        let mut f = Nested { resources, stack: Vec::new(), gs: state, path: None, clip_pending: false };
        for op in ops {
            self.op(&mut f, op)?;
        }
        Ok(())
    }

    /// One operation.
    fn op(&mut self, f: &mut Nested<'a>, op: &Operation) -> Result<()> {
        let o = &op.operands;
        let num = |i: usize| o.get(i).and_then(number).unwrap_or(0.0);
        match op.operator.as_str() {
            "q" => f.stack.push(f.gs.clone()),
            "Q" => f.gs = f.stack.pop().unwrap_or_else(|| f.gs.clone()),
            "cm" => {
                if let Some(m) = matrix(o) {
                    f.gs.ctm = multiply(&m, &f.gs.ctm);
                }
            }
            "m" | "l" => self.point(f, (num(0), num(1))),
            "c" => (0..3).for_each(|i| self.point(f, (num(2 * i), num(2 * i + 1)))),
            "v" | "y" => (0..2).for_each(|i| self.point(f, (num(2 * i), num(2 * i + 1)))),
            "re" => {
                self.point(f, (num(0), num(1)));
                self.point(f, (num(0) + num(2), num(1) + num(3)));
            }
            "W" | "W*" => f.clip_pending = true,
            "w" => f.gs.line_width = num(0),
            "f" | "F" | "f*" => self.paint_path(f, true, false)?,
            "S" | "s" => self.paint_path(f, false, true)?,
            "B" | "B*" | "b" | "b*" => self.paint_path(f, true, true)?,
            "n" => self.paint_path(f, false, false)?,
            _ => return self.colour_op(f, op),
        }
        Ok(())
    }

    /// A path construction point.
    fn point(&self, f: &mut Nested<'a>, p: (f64, f64)) {
        let p = apply(&f.gs.ctm, p);
        f.path = Some(f.path.map_or(Bounds::new(p, p), |r| r.with(p)));
    }

    /// Paints the current path (filled, stroked), then applies a pending clip.
    fn paint_path(&mut self, f: &mut Nested<'a>, fill: bool, stroke: bool) -> Result<()> {
        if let Some(path) = f.path.take() {
            let inside = self.shows(&f.gs, path);
            let (fill_paint, stroke_paint) = (f.gs.fill.clone(), f.gs.stroke.clone());
            if fill {
                self.paint(f, &fill_paint, inside)?;
            }
            if stroke {
                self.paint(f, &stroke_paint, inside)?;
                if inside {
                    // The width in default user space: the CTM's scale (the geometric mean
                    // of its axes, exact for the uniform scales Typst writes).
                    let [a, b, c, d, ..] = f.gs.ctm;
                    let width = f.gs.line_width * (a * d - b * c).abs().sqrt();
                    self.tally.thinnest = Some(self.tally.thinnest.map_or(width, |t: f64| t.min(width)));
                }
            }
            if f.clip_pending {
                f.gs.clip = f.gs.clip.intersect(path);
            }
        }
        f.clip_pending = false;
        Ok(())
    }

    /// Whether something painted over `area` (default user space) shows in the visible area.
    fn shows(&self, gs: &GState, area: Bounds) -> bool {
        gs.forced.unwrap_or_else(|| area.intersect(gs.clip).shows_in(self.visible))
    }

    /// Colour, text, XObject and shading operators; others are ignored.
    fn colour_op(&mut self, f: &mut Nested<'a>, op: &Operation) -> Result<()> {
        let o = &op.operands;
        let values = || o.iter().filter_map(number).map(|v| v as f32).collect::<Vec<_>>();
        match op.operator.as_str() {
            "g" => f.gs.fill = paint_of(&Space::Gray, o),
            "G" => f.gs.stroke = paint_of(&Space::Gray, o),
            "k" => f.gs.fill = paint_of(&Space::Cmyk, o),
            "K" => f.gs.stroke = paint_of(&Space::Cmyk, o),
            "rg" => f.gs.fill = Paint::Rgb(format!("rg {:?}", values())),
            "RG" => f.gs.stroke = Paint::Rgb(format!("RG {:?}", values())),
            "cs" | "CS" => {
                let space = match o.first() {
                    Some(name) => self.space(name, f.resources, 0),
                    None => Space::Other("cs without a colour space".into()),
                };
                if let Space::Rgb(what) = &space {
                    self.tally.rgb.insert(format!("colour space {what} selected ({})", op.operator));
                }
                if op.operator == "cs" {
                    (f.gs.fill, f.gs.fill_space) = (space.initial(), space);
                } else {
                    (f.gs.stroke, f.gs.stroke_space) = (space.initial(), space);
                }
            }
            "sc" | "scn" => f.gs.fill = f.gs.fill_space.paint(o),
            "SC" | "SCN" => f.gs.stroke = f.gs.stroke_space.paint(o),
            "Tr" => f.gs.text_mode = o.first().and_then(|v| v.as_i64().ok()).unwrap_or(0),
            "Do" => self.xobject(f, o.first())?,
            "sh" => self.shading_op(f, o.first())?,
            "BI" => self.inline_image(f, o.first())?,
            _ => self.text_op(f, op)?,
        }
        Ok(())
    }

    /// Text state and showing operators.
    fn text_op(&mut self, f: &mut Nested<'a>, op: &Operation) -> Result<()> {
        let o = &op.operands;
        let num = |i: usize| o.get(i).and_then(number).unwrap_or(0.0);
        let gs = &mut f.gs;
        match op.operator.as_str() {
            "BT" => (gs.tm, gs.tlm) = (IDENTITY, IDENTITY),
            "Tf" => gs.font_size = num(1),
            "TL" => gs.leading = num(0),
            "Td" | "TD" => {
                if op.operator == "TD" {
                    gs.leading = -num(1);
                }
                gs.tlm = multiply(&[1.0, 0.0, 0.0, 1.0, num(0), num(1)], &gs.tlm);
                gs.tm = gs.tlm;
            }
            "Tm" => {
                gs.tlm = matrix(o).unwrap_or(IDENTITY);
                gs.tm = gs.tlm;
            }
            "T*" | "'" | "\"" => {
                gs.tlm = multiply(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.leading], &gs.tlm);
                gs.tm = gs.tlm;
                if op.operator != "T*" {
                    self.show_text(f)?;
                }
            }
            "Tj" | "TJ" => self.show_text(f)?,
            _ => {}
        }
        Ok(())
    }

    /// Shows text at the current text position, painted as the rendering mode says.
    fn show_text(&mut self, f: &mut Nested<'a>) -> Result<()> {
        let gs = &f.gs;
        let s = gs.font_size.abs().max(1.0);
        let to_page = multiply(&gs.tm, &gs.ctm);
        let area = Bounds::new((0.0, -0.25 * s), (s, s)).transform(&to_page);
        let inside = self.shows(gs, area);
        let (fill, stroke) = match gs.text_mode % 4 {
            0 => (true, false),
            1 => (false, true),
            2 => (true, true),
            _ => (false, false),
        };
        let (fill_paint, stroke_paint) = (f.gs.fill.clone(), f.gs.stroke.clone());
        if fill {
            self.paint(f, &fill_paint, inside)?;
        }
        if stroke {
            self.paint(f, &stroke_paint, inside)?;
        }
        Ok(())
    }
}

/// The colour of `operands` in `space` (for `g`, `k` and the like).
fn paint_of(space: &Space, operands: &[Object]) -> Paint {
    space.paint(operands)
}

impl<'a> Scan<'a> {
    /// Records `paint` used inside (or outside) the visible area; follows a pattern's content.
    fn paint(&mut self, f: &Nested<'a>, paint: &Paint, inside: bool) -> Result<()> {
        match paint {
            Paint::Gray(g) => self.tally.gray(*g, inside),
            Paint::Cmyk(c) => self.tally.cmyk(*c, inside),
            Paint::Rgb(what) => {
                self.tally.rgb.insert(what.clone());
            }
            Paint::Other(what) => {
                self.tally.unmeasured.insert(what.clone());
            }
            Paint::Pattern(name, under) => self.pattern(f, name, under.as_deref(), inside)?,
        }
        Ok(())
    }

    /// The object named `name` in the resource category `category` (`/XObject`, `/Pattern`…).
    fn resource(
        &self,
        resources: Option<&'a Dictionary>,
        category: &[u8],
        name: &[u8],
    ) -> Option<(Option<ObjectId>, &'a Object)> {
        let doc = self.doc;
        let category = doc.dereference(resources?.get(category).ok()?).ok()?.1.as_dict().ok()?;
        doc.dereference(category.get(name).ok()?).ok()
    }

    /// Scans `ops` as the content of the object `id` (a Form XObject, a pattern), unless it is
    /// already being scanned or nested too deep.
    fn nested(
        &mut self,
        id: Option<ObjectId>,
        ops: &[Operation],
        resources: Option<&'a Dictionary>,
        state: GState,
    ) -> Result<()> {
        if self.forms.len() >= MAX_NESTING || id.is_some_and(|id| self.forms.contains(&id)) {
            self.tally.unmeasured.insert("content nested too deep or in a loop".into());
            return Ok(());
        }
        self.forms.extend(id);
        let result = self.run(ops, resources, state);
        if id.is_some() {
            self.forms.pop();
        }
        result
    }

    /// Paints with the pattern `name`: a coloured tiling pattern's content, an uncoloured one's
    /// colour `under`, a shading pattern's shading.
    fn pattern(&mut self, f: &Nested<'a>, name: &[u8], under: Option<&Paint>, inside: bool) -> Result<()> {
        let Some((id, pattern)) = self.resource(f.resources, b"Pattern", name) else {
            self.tally.unmeasured.insert(format!("pattern /{} not found", lossy(name)));
            return Ok(());
        };
        match pattern {
            Object::Stream(tiling)
                if tiling.dict.get(b"PaintType").and_then(Object::as_i64).ok() == Some(2) =>
            {
                match under {
                    Some(paint) => self.paint(f, paint, inside)?,
                    None => {
                        self.tally.unmeasured.insert("uncoloured pattern without a colour".into());
                    }
                }
            }
            Object::Stream(tiling) => {
                let ops = decode_stream(tiling)?;
                let resources = tiling.dict.get(b"Resources").ok().and_then(|r| self.doc.dereference(r).ok());
                let resources = resources.and_then(|(_, r)| r.as_dict().ok());
                let mut state = GState::new(f.gs.clip);
                state.forced = Some(inside);
                self.nested(id, &ops, resources, state)?;
            }
            Object::Dictionary(shading_pattern) => {
                let shading = shading_pattern.get(b"Shading").ok().and_then(|s| self.doc.dereference(s).ok());
                match shading {
                    Some((_, shading)) => self.shading(f, shading, inside)?,
                    None => {
                        self.tally.unmeasured.insert("shading pattern without a shading".into());
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// The `sh` operator: paints the shading `name` over the clipping area.
    fn shading_op(&mut self, f: &Nested<'a>, name: Option<&Object>) -> Result<()> {
        let name = name.and_then(|n| n.as_name().ok()).unwrap_or_default();
        let inside = self.shows(&f.gs, f.gs.clip);
        match self.resource(f.resources, b"Shading", name) {
            Some((_, shading)) => self.shading(f, shading, inside),
            None => {
                self.tally.unmeasured.insert(format!("shading /{} not found", lossy(name)));
                Ok(())
            }
        }
    }

    /// A shading's colours: the ends of its function (exponential, or stitched from
    /// exponential ones), which bound the colours between them.
    fn shading(&mut self, f: &Nested<'a>, shading: &Object, inside: bool) -> Result<()> {
        let Some(dict) = object_dict(shading) else { return Ok(()) };
        let space = match dict.get(b"ColorSpace") {
            Ok(cs) => self.space(cs, f.resources, 0),
            Err(_) => Space::Other("shading without a colour space".into()),
        };
        if let Space::Rgb(what) = &space {
            self.tally.rgb.insert(format!("shading in {what}"));
            return Ok(());
        }
        let ends = dict.get(b"Function").ok().and_then(|func| self.function_ends(func, 0));
        let Some(ends) = ends else {
            let kind = dict.get(b"ShadingType").and_then(Object::as_i64).unwrap_or(0);
            self.tally.unmeasured.insert(format!("shading type {kind} in {space:?} (colours not evaluated)"));
            return Ok(());
        };
        for end in ends {
            let operands: Vec<Object> = end.into_iter().map(Object::Real).collect();
            let paint = space.paint(&operands);
            self.paint(f, &paint, inside)?;
        }
        Ok(())
    }

    /// The outputs at the ends of the function `func`'s pieces, if it is made of exponential
    /// (type 2) functions, stitched (type 3) or not.
    fn function_ends(&self, func: &Object, depth: usize) -> Option<Vec<Vec<f32>>> {
        let (_, func) = self.doc.dereference(func).ok()?;
        let dict = object_dict(func)?;
        let floats = |key: &[u8], default: f32| -> Vec<f32> {
            dict.get(key)
                .and_then(Object::as_array)
                .map(|a| a.iter().filter_map(number).map(|v| v as f32).collect())
                .unwrap_or_else(|_| vec![default])
        };
        match dict.get(b"FunctionType").and_then(Object::as_i64).ok()? {
            2 => Some(vec![floats(b"C0", 0.0), floats(b"C1", 1.0)]),
            3 if depth < 8 => {
                let parts = dict.get(b"Functions").and_then(Object::as_array).ok()?;
                parts
                    .iter()
                    .map(|p| self.function_ends(p, depth + 1))
                    .collect::<Option<Vec<_>>>()
                    .map(|v| v.concat())
            }
            _ => None,
        }
    }

    /// A colour space named or written as `space` in content drawn with `resources`.
    fn space(&self, space: &Object, resources: Option<&'a Dictionary>, depth: usize) -> Space {
        let doc = self.doc;
        let Ok((_, space)) = doc.dereference(space) else {
            return Space::Other("missing colour space".into());
        };
        match space {
            Object::Name(name) => match name.as_slice() {
                b"DeviceGray" | b"G" | b"CalGray" => Space::Gray,
                b"DeviceCMYK" | b"CMYK" => Space::Cmyk,
                b"DeviceRGB" | b"RGB" => Space::Rgb("DeviceRGB".into()),
                b"Pattern" => Space::Pattern(None),
                other => match self.resource(resources, b"ColorSpace", other) {
                    Some((_, named)) if depth < 8 => self.space(named, resources, depth + 1),
                    _ => Space::Other(format!("colour space /{} not found", lossy(other))),
                },
            },
            Object::Array(items) => self.space_array(items, resources, depth),
            _ => Space::Other("a colour space that is not a name or an array".into()),
        }
    }

    /// A colour space written as an array (`[/ICCBased …]`, `[/Separation …]`…).
    fn space_array(&self, items: &[Object], resources: Option<&'a Dictionary>, depth: usize) -> Space {
        let family = items.first().and_then(|n| n.as_name().ok()).unwrap_or_default();
        let sub = |i: usize| items.get(i).filter(|_| depth < 8).map(|s| self.space(s, resources, depth + 1));
        match family {
            b"ICCBased" => {
                let n = items.get(1).and_then(|s| self.doc.dereference(s).ok());
                let n = n.and_then(|(_, s)| s.as_stream().ok()?.dict.get(b"N").ok()?.as_i64().ok());
                match n {
                    Some(1) => Space::Gray,
                    Some(4) => Space::Cmyk,
                    Some(3) => Space::Rgb("ICCBased (3 components)".into()),
                    _ => Space::Other("ICCBased of unknown components".into()),
                }
            }
            b"CalGray" => Space::Gray,
            b"CalRGB" => Space::Rgb("CalRGB".into()),
            b"Lab" => Space::Other("Lab".into()),
            b"Pattern" => Space::Pattern(sub(1).map(Box::new)),
            b"Indexed" | b"I" => match sub(1) {
                Some(Space::Rgb(what)) => Space::Rgb(format!("Indexed on {what}")),
                base => Space::Other(format!("Indexed on {base:?}")),
            },
            b"Separation" | b"DeviceN" => {
                let name = items.get(1).map(|n| format!("{n:?}")).unwrap_or_default();
                match sub(2) {
                    Some(Space::Rgb(what)) => {
                        Space::Rgb(format!("{} {name} with alternate {what}", lossy(family)))
                    }
                    _ => Space::Other(format!("{} {name}", lossy(family))),
                }
            }
            other => Space::Other(format!("colour space /{}", lossy(other))),
        }
    }

    /// The `Do` operator: a Form XObject's content, or an image.
    fn xobject(&mut self, f: &Nested<'a>, name: Option<&Object>) -> Result<()> {
        let name = name.and_then(|n| n.as_name().ok()).unwrap_or_default();
        let Some((id, object)) = self.resource(f.resources, b"XObject", name) else {
            self.tally.unmeasured.insert(format!("XObject /{} not found", lossy(name)));
            return Ok(());
        };
        let Ok(stream) = object.as_stream() else { return Ok(()) };
        match stream.dict.get(b"Subtype").and_then(Object::as_name).unwrap_or_default() {
            b"Form" => {
                let m = stream.dict.get(b"Matrix").and_then(Object::as_array).ok().and_then(|m| matrix(m));
                let mut state = f.gs.clone();
                state.ctm = multiply(&m.unwrap_or(IDENTITY), &f.gs.ctm);
                if let Some(bbox) = stream.dict.get(b"BBox").ok().and_then(|b| rect_of(self.doc, b)) {
                    state.clip = state.clip.intersect(bbox.transform(&state.ctm));
                }
                let resources = stream.dict.get(b"Resources").ok().and_then(|r| self.doc.dereference(r).ok());
                let resources = resources.and_then(|(_, r)| r.as_dict().ok()).or(f.resources);
                let ops = decode_stream(stream)?;
                self.nested(id, &ops, resources, state)
            }
            b"Image" => self.image(f, &stream.dict),
            _ => Ok(()),
        }
    }

    /// An image (XObject or inline, with the dictionary `dict`) painted over the unit square.
    fn image(&mut self, f: &Nested<'a>, dict: &Dictionary) -> Result<()> {
        let inside = self.shows(&f.gs, Bounds::new((0.0, 0.0), (1.0, 1.0)).transform(&f.gs.ctm));
        let get = |long: &[u8], short: &[u8]| dict.get(long).or_else(|_| dict.get(short)).ok();
        if get(b"ImageMask", b"IM").and_then(|m| m.as_bool().ok()) == Some(true) {
            return self.paint(f, &f.gs.fill.clone(), inside);
        }
        let space = get(b"ColorSpace", b"CS").map(|cs| self.space(cs, f.resources, 0));
        let place = if inside { "inside" } else { "outside the bleed" };
        let [a, b, c, d, ..] = f.gs.ctm;
        let pixels =
            |key: &[u8], short: &[u8]| get(key, short).and_then(|v| v.as_i64().ok()).unwrap_or(0) as f64;
        let ppi =
            (pixels(b"Width", b"W") / (a.hypot(b) / 72.0)).min(pixels(b"Height", b"H") / (c.hypot(d) / 72.0));
        let name = match &space {
            Some(Space::Gray) => "DeviceGray".to_string(),
            Some(Space::Cmyk) => "DeviceCMYK".to_string(),
            Some(Space::Rgb(what) | Space::Other(what)) => what.clone(),
            Some(Space::Pattern(_)) | None => "an unknown colour space".to_string(),
        };
        self.tally.images.push((name, ppi));
        match space {
            Some(Space::Rgb(what)) => {
                self.tally.rgb.insert(format!("image in {what}"));
            }
            Some(space) => {
                self.tally.unmeasured.insert(format!("image in {space:?} {place} (pixels not measured)"));
            }
            None => {
                self.tally.unmeasured.insert(format!("image without a colour space (JPX?) {place}"));
            }
        }
        Ok(())
    }

    /// An inline image (`BI … ID … EI`), which lopdf gives as a stream operand.
    fn inline_image(&mut self, f: &Nested<'a>, image: Option<&Object>) -> Result<()> {
        match image.and_then(|i| i.as_stream().ok()) {
            Some(stream) => self.image(f, &stream.dict),
            None => Ok(()),
        }
    }
}

/// The operations of the content stream `stream`.
fn decode_stream(stream: &Stream) -> Result<Vec<Operation>> {
    let content = stream.get_plain_content().context("cannot decompress a content stream")?;
    Ok(Content::decode(&content).context("cannot read a content stream")?.operations)
}
