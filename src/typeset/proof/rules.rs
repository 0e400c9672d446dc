//! The rules of the proof, each a function from the read pages to findings. A rule names what
//! a reader or a print shop would see wrong and where it comes from: a part of the data (which
//! the caller locates in its file) or the template that drew it.

use std::collections::HashMap;

use typst::syntax::Span;

use super::colour;
use super::page::{Ink, Mark, Page, Pages, Rect};
use super::{Finding, Origin, Setting, Severity};

/// Lengths in points, compared give or take this.
const EPS: f64 = 0.3;
/// Text smaller than this (in points) is small: it prints in one ink.
pub const SMALL_TEXT_PT: f64 = 10.0;
/// The thinnest line a press holds (in points).
pub const HAIRLINE_PT: f64 = 0.25;
/// Rules thinner than this (in points) are thin: a light tint of them breaks into dots.
pub const THIN_RULE_PT: f64 = 1.0;
/// The lightest tint a thin rule may have, in percent of its strongest ink.
pub const THIN_RULE_TINT: f64 = 30.0;
/// The contrast text needs against its ground on screen (WCAG 2, AA), and large text.
pub const CONTRAST: f64 = 4.5;
/// The least contrast of large text (18 pt, or 14 pt bold) on screen (WCAG 1.4.3).
pub const CONTRAST_LARGE: f64 = 3.0;
/// A text page filled less than this (a fraction of its text area's height) must end a section.
pub const PAGE_FILL: f64 = 0.25;

/// Every rule that applies to the document's kind, in the order they are reported.
pub fn all(pages: &Pages, setting: &Setting) -> Vec<Finding> {
    let mut out = Vec::new();
    if setting.booklet {
        out.extend(imposition(pages, setting));
    } else {
        out.extend(footnote_pages(pages));
        out.extend(overflow(pages, setting));
    }
    if setting.print {
        out.extend(safe_area(pages));
        out.extend(bleed(pages, setting));
        out.extend(mark_ink(pages, setting.bleed));
        out.extend(crop_marks(pages, setting.bleed));
        out.extend(inks(pages, setting.total_ink));
        if !setting.booklet {
            out.extend(folios(pages, setting));
        }
    } else {
        out.extend(contrast(pages));
    }
    if !setting.booklet {
        out.extend(page_fill(pages, setting));
    }
    out
}

/// Where a mark comes from: the template that drew it, else the paragraph or part it is in
/// (text Typst makes itself, such as a footnote's number, has no place in a template).
fn place_of(pages: &Pages, m: &Mark) -> Origin {
    if !m.span.is_detached() {
        Origin::Template(m.span)
    } else if let Some(p) = m.paragraph {
        Origin::Data(pages.paragraphs[p].clone())
    } else if let Some(p) = m.part {
        Origin::Data(pages.parts[p].clone())
    } else {
        Origin::Page
    }
}

fn error(rule: &'static str, page: &Page, place: Origin, message: String) -> Finding {
    Finding { rule, severity: Severity::Error, page: page.index, place, message, hint: None }
}

/// What to do about a part that does not fit: the words that fit where it is.
fn fits(kept: usize, setting: &Setting) -> String {
    let paper = paper(setting);
    if kept == 0 {
        format!("none of it fits where it is on {paper}: shorten it, a box must fit on one page")
    } else {
        format!(
            "about {kept} of its words fit where it is on {paper}: shorten it, a box must fit on one page"
        )
    }
}

/// The paper, as a print shop names it.
fn paper(setting: &Setting) -> String {
    setting.paper.to_string().to_uppercase()
}

fn mm(pt: f64) -> f64 {
    pt / 72.0 * 25.4
}

/// The text of some marks as words, a space where one mark does not follow on from the other.
fn words<'a>(marks: impl IntoIterator<Item = &'a Mark>) -> usize {
    let mut text = String::new();
    let mut last: Option<&Rect> = None;
    for m in marks {
        let Some(t) = m.text() else { continue };
        if let Some(prev) = last
            && ((prev.y0 - m.rect.y0).abs() > EPS || (m.rect.x0 - prev.x1).abs() > 0.5)
        {
            text.push(' ');
        }
        text.push_str(t);
        last = Some(&m.rect);
    }
    text.split_whitespace().count()
}

/// Footnote entries printed on another page than their markers.
fn footnote_pages(pages: &Pages) -> Vec<Finding> {
    let mut out = Vec::new();
    for note in &pages.notes {
        let Some(marker) = note.marker else { continue };
        if marker == note.entry {
            continue;
        }
        let place = match note.paragraph {
            Some(p) => Origin::Data(pages.paragraphs[p].clone()),
            None => Origin::Page,
        };
        let message = format!(
            "footnote {} prints on page {}, its marker on page {}",
            note.number,
            note.entry + 1,
            marker + 1
        );
        let mut f = error("footnote-page", &pages.pages[marker], place, message);
        f.hint = Some("cityreport moves a paragraph or list item to the next page with its note; this one it could not move".into());
        out.push(f);
    }
    out
}

/// What a reader loses: text clipped by its box, running off the page or beyond the text area,
/// or a part of the data that does not fit on one page.
fn overflow(pages: &Pages, setting: &Setting) -> Vec<Finding> {
    let mut out = Vec::new();
    for (owner, loss) in losses(pages, setting) {
        let finding = match owner {
            Owner::Part(i) => part_loss(pages, setting, &pages.parts[i], &loss),
            Owner::Paragraph(i) => text_loss(pages, &loss, Origin::Data(pages.paragraphs[i].clone())),
            Owner::Template(span) => text_loss(pages, &loss, Origin::Template(span)),
        };
        out.extend(finding);
    }
    out
}

/// What text belongs to, for the overflow rule: a part of the data, a named paragraph, else the
/// place in the templates that set it.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Owner {
    Part(usize),
    Paragraph(usize),
    Template(Span),
}

/// The text of one owner: every mark with its page, the marks lost, the pages it is on, and
/// where and how it is first lost (page, how, by how many points at most there).
#[derive(Default)]
struct Loss<'a> {
    marks: Vec<(usize, &'a Mark)>,
    lost: Vec<&'a Mark>,
    pages: Vec<usize>,
    how: Option<(usize, &'static str, f64)>,
}

/// The text of the pages by owner, in the order the owners first appear.
fn losses<'a>(pages: &'a Pages, setting: &Setting) -> Vec<(Owner, Loss<'a>)> {
    let mut losses: Vec<(Owner, Loss)> = Vec::new();
    let mut index: HashMap<Owner, usize> = HashMap::new();
    for page in &pages.pages {
        let area = match (&pages.geometry, page.is_text()) {
            (Some(g), true) => Some(page.text_area(g, setting.print)),
            _ => None,
        };
        for m in page.marks.iter().filter(|m| m.text().is_some() && !m.hidden) {
            let owner = match (m.part, m.paragraph) {
                (Some(p), _) => Owner::Part(p),
                (None, Some(p)) => Owner::Paragraph(p),
                (None, None) => Owner::Template(m.span),
            };
            let i = *index.entry(owner).or_insert_with(|| {
                losses.push((owner, Loss::default()));
                losses.len() - 1
            });
            let loss = &mut losses[i].1;
            loss.marks.push((page.index, m));
            if !loss.pages.contains(&page.index) {
                loss.pages.push(page.index);
            }
            if let Some((how, by)) = lost(page, m, area.as_ref()) {
                loss.lost.push(m);
                let first = loss.how.get_or_insert((page.index, how, by));
                if first.0 == page.index && first.1 == how {
                    first.2 = first.2.max(by);
                }
            }
        }
    }
    losses
}

/// A part of the data that loses text, or that is split over pages: how many of its words
/// print, reported at the part.
fn part_loss(pages: &Pages, setting: &Setting, name: &str, loss: &Loss) -> Option<Finding> {
    let total = words(loss.marks.iter().map(|(_, m)| *m));
    let what = part_name(name);
    let (page, kept, message) = if let Some((p, how, by)) = loss.how {
        let kept = total.saturating_sub(words(loss.lost.iter().copied()));
        let message = format!(
            "page {}: {what} does not fit: {kept} of its {total} words print, the rest is {how} (by {:.0} mm)",
            p + 1,
            mm(by)
        );
        (p, kept, message)
    } else if let [first, second, ..] = loss.pages[..] {
        let kept = words(loss.marks.iter().filter(|(p, _)| *p == first).map(|(_, m)| *m));
        let message = format!(
            "page {}: {what} does not fit on one page: {kept} of its {total} words are on page {}, the rest on page {}",
            first + 1,
            first + 1,
            second + 1
        );
        (first, kept, message)
    } else {
        return None;
    };
    let mut f = error("overflow", &pages.pages[page], Origin::Data(name.to_string()), message);
    f.hint = Some(fits(kept, setting));
    Some(f)
}

/// Text of the prose or the templates that is lost (a word too long for a line).
fn text_loss(pages: &Pages, loss: &Loss, place: Origin) -> Option<Finding> {
    let (p, how, by) = loss.how?;
    let sample: String = loss.lost.iter().filter_map(|m| m.text()).collect::<Vec<_>>().join(" ");
    let sample: String = sample.chars().take(40).collect();
    let message = format!("page {}: text is {how} (by {:.1} mm): `{sample}`", p + 1, mm(by));
    let mut f = error("overflow", &pages.pages[p], place, message);
    f.hint = Some("a word or address too long for a line cannot break: add a space or a hyphen".into());
    Some(f)
}

/// How a text mark is lost, if it is, and by how much: clipped by its box, off the page, or
/// beyond the text area of a text page (`area`). A line's ascender may reach above the text
/// area and a last character may hang into the margin: baselines count, and a little.
fn lost(page: &Page, m: &Mark, area: Option<&Rect>) -> Option<(&'static str, f64)> {
    let Some(visible) = m.visible else { return Some(("cut off by its box", m.rect.height())) };
    let clipped = (m.rect.width() - visible.width()).max(m.rect.height() - visible.height());
    if clipped > 0.5 {
        return Some(("cut off by its box", clipped));
    }
    let trim = page.trim().grow(page.outset);
    let off = beyond(&trim, &m.rect);
    if off > EPS {
        return Some(("off the page", off));
    }
    let (Some(area), true) = (area, m.is_body()) else { return None };
    let Ink::Text { baseline, .. } = m.ink else { return None };
    let below = baseline - area.y1;
    if below > 1.0 {
        return Some(("below the text area", below));
    }
    let side = (area.x0 - m.rect.x0).max(m.rect.x1 - area.x1);
    (side > 3.0).then_some(("beyond the text area", side))
}

/// How far `r` reaches beyond `outer` (0 if inside).
fn beyond(outer: &Rect, r: &Rect) -> f64 {
    [outer.x0 - r.x0, outer.y0 - r.y0, r.x1 - outer.x1, r.y1 - outer.y1].into_iter().fold(0.0, f64::max)
}

/// A part's name for a reader of the message.
fn part_name(name: &str) -> String {
    let part = name.split_once('/').map_or(name, |(_, p)| p);
    match part.split_once('/') {
        Some(("takeaways", n)) => format!("key takeaway {n}"),
        Some(("figures", f)) => format!("the key figures' {f}"),
        _ => match part {
            "quote" => "the quote".into(),
            "tagline" => "the tagline".into(),
            "city" => "the city's name".into(),
            "networks" => "the list of networks".into(),
            other => format!("`{other}`"),
        },
    }
}

/// Print: nothing the reader needs (text) closer to the trim than the safe distance.
fn safe_area(pages: &Pages) -> Vec<Finding> {
    let Some(g) = &pages.geometry else { return Vec::new() };
    let mut out = Vec::new();
    for page in &pages.pages {
        let safe = page.trim().grow(-g.safe);
        for m in &page.marks {
            let (Some(v), Some(text)) = (m.visible, m.text()) else { continue };
            if m.hidden || m.colour.as_ref().is_some_and(colour::is_registration) {
                continue;
            }
            let d = beyond(&safe, &v);
            if d > EPS {
                let message = format!(
                    "page {}: text {:.1} mm from the trim, inside the {:.0} mm a print shop keeps clear: `{}`",
                    page.index + 1,
                    mm(g.safe - d).max(0.0),
                    mm(g.safe),
                    text.chars().take(40).collect::<String>()
                );
                out.push(error("safe-area", page, place_of(pages, m), message));
                break;
            }
        }
    }
    out
}

/// Print: in the bleed only art that runs on from the page (fills, pictures), beyond it only
/// marks; art that reaches a trimmed edge runs on to the bleed's edge.
fn bleed(pages: &Pages, setting: &Setting) -> Vec<Finding> {
    let mut out = Vec::new();
    for page in &pages.pages {
        // A booklet sheet's pages moved toward the spine by its creep: their outer bleed is
        // narrower by as much.
        let creep = if setting.booklet { (page.index / 2) as f64 * setting.creep } else { 0.0 };
        let problem = |m| bleed_problem(page.trim(), setting.bleed, creep, m);
        let first = page.marks.iter().find_map(|m| Some((m, problem(m)?)));
        if let Some((m, message)) = first {
            out.push(error("bleed", page, place_of(pages, m), format!("page {}: {message}", page.index + 1)));
        }
    }
    out
}

/// What is wrong with mark `m` on a page trimmed to `trim` with a bleed of `bleed` (at the left
/// and right, less `creep`), if anything.
fn bleed_problem(trim: Rect, bleed: f64, creep: f64, m: &Mark) -> Option<String> {
    let v = m.visible?;
    if m.hidden || m.colour.as_ref().is_some_and(colour::is_registration) {
        return None;
    }
    let art = matches!(m.ink, Ink::Fill | Ink::Image { .. });
    let out_of_bleed = beyond(&trim.grow(bleed), &v);
    if out_of_bleed > EPS {
        Some(format!("ink beyond the bleed, where the crop marks are ({:.1} mm)", mm(out_of_bleed)))
    } else if beyond(&trim, &v) > EPS && (!art || trim.intersect(&v).is_none()) {
        Some(format!("{} in the bleed, which is cut off", if art { "art" } else { "text or a line" }))
    } else if art {
        let (side, d) = short_of_bleed(&trim, bleed, creep, &v)?;
        Some(format!("art reaches the {side} trim but stops {:.1} mm short of the bleed's edge", mm(d)))
    } else {
        None
    }
}

/// The side of the trim that `v` touches without running on to the bleed's edge (at the left
/// and right `creep` short of it), and by how much it falls short.
fn short_of_bleed(trim: &Rect, bleed: f64, creep: f64, v: &Rect) -> Option<(&'static str, f64)> {
    let touch = 1.0;
    let sides = [
        ("left", v.x0 - trim.x0, trim.x0 - v.x0, bleed - creep),
        ("top", v.y0 - trim.y0, trim.y0 - v.y0, bleed),
        ("right", trim.x1 - v.x1, v.x1 - trim.x1, bleed - creep),
        ("bottom", trim.y1 - v.y1, v.y1 - trim.y1, bleed),
    ];
    // (inside: how far the art's edge is inside the trim; outward: how far beyond it.)
    sides.into_iter().find_map(|(side, inside, outward, bleed)| {
        (inside < touch && outward < bleed - EPS).then_some((side, bleed - outward.max(0.0)))
    })
}

/// Print: marks (registration ink) only outside the bleed, where the guillotine cuts them off.
fn mark_ink(pages: &Pages, bleed: f64) -> Vec<Finding> {
    let mut out = Vec::new();
    for page in &pages.pages {
        let bleed_box = page.trim().grow(bleed - 0.2);
        let hit = page.marks.iter().find(|m| {
            m.colour.as_ref().is_some_and(colour::is_registration)
                && m.visible.is_some_and(|v| v.intersect(&bleed_box).is_some())
        });
        if let Some(m) = hit {
            let message = format!(
                "page {}: registration ink (crop marks) inside the trim or the bleed",
                page.index + 1
            );
            out.push(error("mark-ink", page, place_of(pages, m), message));
        }
    }
    out
}

/// How far from a corner of the trim its crop marks reach: the bleed, then the marks (6 mm,
/// `crop-marks` in print.typ), with room to spare.
const CROP_MARK_REACH: f64 = 8.0 / 25.4 * 72.0;

/// Print: every page has its crop marks, registration ink in the slug at each corner of the
/// trim (a page that sets its own `foreground` replaces the print page's marks).
fn crop_marks(pages: &Pages, bleed: f64) -> Vec<Finding> {
    let mut out = Vec::new();
    for page in &pages.pages {
        let t = page.trim();
        let reach = bleed + CROP_MARK_REACH;
        let corners = [
            ("top left", t.x0, t.y0),
            ("top right", t.x1, t.y0),
            ("bottom left", t.x0, t.y1),
            ("bottom right", t.x1, t.y1),
        ];
        let missing: Vec<&str> = corners
            .into_iter()
            .filter(|&(_, x, y)| {
                // A hairline's box may have no width or height: touching counts.
                let near = |v: Rect| (v.x0 - x).max(x - v.x1) <= reach && (v.y0 - y).max(y - v.y1) <= reach;
                !page.marks.iter().any(|m| {
                    m.colour.as_ref().is_some_and(colour::is_registration) && m.visible.is_some_and(near)
                })
            })
            .map(|(corner, ..)| corner)
            .collect();
        if !missing.is_empty() {
            let message =
                format!("page {}: no crop marks at its {} corner", page.index + 1, missing.join(", "));
            let mut finding = error("crop-marks", page, Origin::Templates, message);
            finding.hint = Some("a page that sets its own `foreground` replaces the print page's: draw `print-page.foreground` (print.typ) in it too".into());
            out.push(finding);
        }
    }
    out
}

/// Print: CMYK colours only; hairlines a press holds, thin rules not in light tints, total ink
/// within the printing condition's `limit`, small text and thin lines in one ink, black text in
/// black ink alone.
fn inks(pages: &Pages, limit: f64) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut seen: Vec<(&'static str, Span)> = Vec::new();
    for page in &pages.pages {
        for m in &page.marks {
            if m.visible.is_none() || m.hidden {
                continue;
            }
            let Some(c) = &m.colour else { continue };
            let mut report = |rule: &'static str, message: String| {
                if !seen.contains(&(rule, m.span)) {
                    seen.push((rule, m.span));
                    out.push(error(
                        rule,
                        page,
                        place_of(pages, m),
                        format!("page {}: {message}", page.index + 1),
                    ));
                }
            };
            let Some(inks) = colour::inks(c) else {
                report("colour-space", format!("a colour that is not CMYK ({c:?}) in a print file"));
                continue;
            };
            if colour::is_registration(c) {
                continue;
            }
            for (rule, message) in ink_problems(m, inks, limit) {
                report(rule, message);
            }
        }
    }
    out
}

/// What is wrong with the inks `inks` of mark `m` in a print file whose condition takes
/// `limit` percent of ink: (rule, message) pairs.
fn ink_problems(m: &Mark, inks: [f64; 4], limit: f64) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let mut problem = |rule: &'static str, message: String| out.push((rule, message));
    let total = colour::total_ink(inks);
    if total > limit + 0.5 {
        problem(
            "total-ink",
            format!("{total:.0} % total ink, more than the {limit:.0} % of the printing condition"),
        );
    }
    if matches!(m.ink, Ink::Text { .. }) && inks[3] > 0.995 && inks[..3].iter().any(|&i| i > 0.005) {
        problem(
            "text-black",
            "black text in a rich black: text is printed in 100 % K alone (a four-ink black fringes)".into(),
        );
    }
    match &m.ink {
        Ink::Stroke { thickness } if *thickness < HAIRLINE_PT - 0.001 => problem(
            "hairline",
            format!("a {thickness:.2} pt line, thinner than the {HAIRLINE_PT} pt a press holds"),
        ),
        Ink::Stroke { thickness } if *thickness < THIN_RULE_PT => {
            let tint = colour::strongest_ink(inks);
            if tint < THIN_RULE_TINT - 0.5 {
                problem(
                    "rule-tint",
                    format!(
                        "a {thickness:.2} pt rule at {tint:.0} %: a tint below {THIN_RULE_TINT:.0} % breaks into dots"
                    ),
                );
            }
            if colour::ink_count(inks) > 1 {
                problem(
                    "one-ink",
                    format!(
                        "a {thickness:.2} pt line in {} inks fringes when the plates are slightly out of register",
                        colour::ink_count(inks)
                    ),
                );
            }
        }
        Ink::Text { size, text, .. } if *size < SMALL_TEXT_PT && colour::ink_count(inks) > 1 => problem(
            "one-ink",
            format!(
                "{size:.1} pt text in {} inks fringes when the plates are slightly out of register: `{}`",
                colour::ink_count(inks),
                text.chars().take(20).collect::<String>()
            ),
        ),
        _ => {}
    }
    out
}

/// Print: each text page's folio on the outer edge (right on right-hand pages), and only the
/// page's number.
fn folios(pages: &Pages, setting: &Setting) -> Vec<Finding> {
    let Some(g) = &pages.geometry else { return Vec::new() };
    let mut out = Vec::new();
    for page in pages.pages.iter().filter(|p| p.is_text()) {
        let area = page.text_area(g, setting.print);
        let folio: Vec<&Mark> =
            page.marks.iter().filter(|m| m.artifact && m.text().is_some() && m.rect.y0 > area.y1).collect();
        let Some(first) = folio.first() else { continue };
        let text: String = folio.iter().filter_map(|m| m.text()).collect();
        let x0 = folio.iter().map(|m| m.rect.x0).fold(f64::INFINITY, f64::min);
        let x1 = folio.iter().map(|m| m.rect.x1).fold(f64::NEG_INFINITY, f64::max);
        let outer = if page.is_recto() { x1 >= area.x1 - 2.0 } else { x0 <= area.x0 + 2.0 };
        let number = (page.index + 1).to_string();
        let message = if !outer {
            let side = if page.is_recto() { "right" } else { "left" };
            Some(format!(
                "the folio is not on the outer edge (the {side} of this page), it sits in the gutter"
            ))
        } else if text.trim() != number {
            Some(format!("the folio reads `{}`, not the page's number {number}", text.trim()))
        } else {
            None
        };
        if let Some(message) = message {
            out.push(error(
                "folio",
                page,
                Origin::Template(first.span),
                format!("page {}: {message}", page.index + 1),
            ));
        }
    }
    out
}

/// Screen: text against its ground, the contrast WCAG 2 AA asks (4.5:1, large text 3:1). Each
/// place in the templates is reported once.
fn contrast(pages: &Pages) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut seen: Vec<Span> = Vec::new();
    for page in &pages.pages {
        let area = match (&pages.geometry, page.is_text()) {
            (Some(g), true) => Some(page.text_area(g, false)),
            _ => None,
        };
        for (i, m) in page.marks.iter().enumerate() {
            // Text that does not fit is reported as such (`overflow`), not for its ground.
            if lost(page, m, area.as_ref()).is_some() {
                continue;
            }
            let (Ink::Text { size, bold, text, .. }, Some(c), Some(v)) = (&m.ink, &m.colour, m.visible)
            else {
                continue;
            };
            // Leader dots (the contents' dotted lines) are decoration, not text to read.
            if m.hidden || seen.contains(&m.span) || text.chars().all(|c| matches!(c, '.' | '·' | '…' | ' '))
            {
                continue;
            }
            let (cx, cy) = ((v.x0 + v.x1) / 2.0, (v.y0 + v.y1) / 2.0);
            let ground = page.marks[..i]
                .iter()
                .rev()
                .filter(|g| matches!(g.ink, Ink::Fill))
                .find(|g| g.visible.is_some_and(|r| r.x0 <= cx && cx <= r.x1 && r.y0 <= cy && cy <= r.y1))
                .and_then(|g| g.colour.as_ref())
                .map_or(1.0, colour::luminance);
            let ratio = colour::contrast(colour::luminance(c), ground);
            let large = *size >= 18.0 || (*bold && *size >= 14.0);
            let needed = if large { CONTRAST_LARGE } else { CONTRAST };
            if ratio < needed - 0.005 {
                seen.push(m.span);
                let message = format!(
                    "page {}: {size:.1} pt text at a contrast of {ratio:.1}:1 with its ground, below the {needed}:1 a reader needs: `{}`",
                    page.index + 1,
                    text.chars().take(20).collect::<String>()
                );
                out.push(error("contrast", page, place_of(pages, m), message));
            }
        }
    }
    out
}

/// A text page filled less than a quarter only where a section ends (the next page starts a
/// numbered section, or no text page follows). A warning: the data may make it.
fn page_fill(pages: &Pages, setting: &Setting) -> Vec<Finding> {
    let Some(g) = &pages.geometry else { return Vec::new() };
    let mut out = Vec::new();
    let starts_section = |index: usize| {
        pages
            .sections
            .iter()
            .any(|(name, p)| *p == index && name.matches('/').count() == 1 && !name.contains('.'))
    };
    for page in pages.pages.iter().filter(|p| p.is_text()) {
        let next = page.index + 1;
        if next >= pages.pages.len() || !pages.pages[next].is_text() || starts_section(next) {
            continue;
        }
        let area = page.text_area(g, setting.print);
        let bottom = page
            .marks
            .iter()
            .filter(|m| m.is_body() && !m.hidden)
            .filter_map(|m| m.visible)
            .map(|v| v.y1)
            .fold(area.y0, f64::max);
        let fill = (bottom - area.y0) / area.height();
        if fill < PAGE_FILL {
            let message = format!(
                "page {}: the page is {:.0} % full and no section ends on it",
                page.index + 1,
                (fill * 100.0).max(0.0)
            );
            let mut f = error("page-fill", page, Origin::Page, message);
            f.severity = Severity::Warning;
            f.hint =
                Some("something on the next page did not fit here: a box or a long unbreakable block".into());
            out.push(f);
        }
    }
    out
}

/// Booklets: each page placed whole, at its size, with its trimmed corner on the corner of its
/// half of the sheet, its bleed kept on the outer sides.
fn imposition(pages: &Pages, setting: &Setting) -> Vec<Finding> {
    let mut out = Vec::new();
    let outset = setting.source_outset;
    for page in &pages.pages {
        let half = page.width / 2.0;
        // The creep of the sheet (two sides each), toward the spine.
        let creep = (page.index / 2) as f64 * setting.creep;
        let images: Vec<&Mark> = page.marks.iter().filter(|m| matches!(m.ink, Ink::Image { .. })).collect();
        for (i, m) in images.iter().enumerate() {
            let Ink::Image { natural } = m.ink else { continue };
            let left = i == 0;
            let toward_spine = if left { creep } else { -creep };
            let x = m.rect.x0 + outset - if left { 0.0 } else { half } - toward_spine;
            let y = m.rect.y0 + outset;
            let scaled =
                (m.rect.width() - natural.0).abs() > 0.5 || (m.rect.height() - natural.1).abs() > 0.5;
            let which = if left { "left" } else { "right" };
            let message = if scaled {
                Some(format!(
                    "the {which} page is placed at {:.1} × {:.1} mm, not its size {:.1} × {:.1} mm",
                    mm(m.rect.width()),
                    mm(m.rect.height()),
                    mm(natural.0),
                    mm(natural.1)
                ))
            } else if x.abs() > EPS || y.abs() > EPS {
                let mut off = Vec::new();
                if y.abs() > EPS {
                    off.push(format!("{:.1} mm too {}", mm(y.abs()), if y < 0.0 { "high" } else { "low" }));
                }
                if x.abs() > EPS {
                    off.push(format!(
                        "{:.1} mm too far {}",
                        mm(x.abs()),
                        if x < 0.0 { "left" } else { "right" }
                    ));
                }
                Some(format!("the {which} page sits {} on the sheet", off.join(" and ")))
            } else {
                let bleed = setting.bleed;
                // The outer bleed gives up what the page moved toward the spine.
                let (x0, x1) = if left { (creep - bleed, half) } else { (half, page.width + bleed - creep) };
                let wanted = Rect::new(x0, -bleed, x1, page.height + bleed);
                let shown = m.visible.is_some_and(|v| v.contains(&wanted, EPS) && wanted.contains(&v, EPS));
                (!shown).then(|| format!("the {which} page does not show exactly its trim and outer bleed"))
            };
            if let Some(message) = message {
                let message = format!("sheet side {}: {message}", page.index + 1);
                out.push(error("imposition", page, place_of(pages, m), message));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use typst::visualize::{Cmyk, Color, ProcessColor};

    use super::*;
    use crate::report::output::Paper;

    const MM: f64 = 72.0 / 25.4;

    fn cmyk(c: f32, m: f32, y: f32, k: f32) -> Option<Color> {
        Some(Color::Process(ProcessColor::Cmyk(Cmyk { c, m, y, k })))
    }

    fn mark(ink: Ink, rect: Rect, colour: Option<Color>) -> Mark {
        Mark {
            ink,
            rect,
            visible: Some(rect),
            hidden: false,
            colour,
            artifact: false,
            note: false,
            part: None,
            paragraph: None,
            span: Span::detached(),
        }
    }

    /// An A5 print page (with 3 mm bleed) holding `marks`.
    fn print_page(marks: Vec<Mark>) -> (Pages, Setting) {
        let page =
            Page { index: 1, width: 148.0 * MM, height: 210.0 * MM, outset: 13.0 * MM, kind: None, marks };
        let pages = Pages { pages: vec![page], ..Pages::default() };
        let setting = Setting {
            print: true,
            booklet: false,
            paper: Paper::A5,
            bleed: 3.0 * MM,
            source_outset: 13.0 * MM,
            total_ink: 300.0,
            creep: 0.0,
        };
        (pages, setting)
    }

    fn rules_of(findings: &[Finding]) -> Vec<&'static str> {
        findings.iter().map(|f| f.rule).collect()
    }

    #[test]
    fn art_at_the_edge_runs_on_to_the_bleed() {
        let (w, h, b) = (148.0 * MM, 210.0 * MM, 3.0 * MM);
        let band = |bottom: f64| {
            mark(Ink::Fill, Rect::new(-b, h - 30.0 * MM, w + b, bottom), cmyk(0.4, 0.3, 0.3, 1.0))
        };
        let (pages, setting) = print_page(vec![band(h + b)]);
        assert!(bleed(&pages, &setting).is_empty());
        // Stopping at the trim: a white line where the guillotine is off by a hair.
        let (pages, _) = print_page(vec![band(h)]);
        let found = bleed(&pages, &setting);
        assert_eq!(rules_of(&found), ["bleed"]);
        assert!(found[0].message.contains("bottom trim but stops 3.0 mm short"), "{}", found[0].message);
        // Art well inside the page needs no bleed.
        let (pages, _) = print_page(vec![band(h - 10.0 * MM)]);
        assert!(bleed(&pages, &setting).is_empty());
    }

    #[test]
    fn crop_marks_belong_outside_the_bleed() {
        let (b, r) = (3.0 * MM, cmyk(1.0, 1.0, 1.0, 1.0));
        let outside =
            mark(Ink::Stroke { thickness: 0.25 }, Rect::new(-b - 6.0 * MM, 0.0, -b, 0.25), r.clone());
        let (pages, _) = print_page(vec![outside]);
        assert!(mark_ink(&pages, b).is_empty());
        let inside = mark(Ink::Stroke { thickness: 0.25 }, Rect::new(-b, 0.0, 10.0, 0.25), r);
        let (pages, _) = print_page(vec![inside]);
        assert_eq!(rules_of(&mark_ink(&pages, b)), ["mark-ink"]);
    }

    #[test]
    fn inks_a_press_takes() {
        let rect = Rect::new(50.0, 50.0, 100.0, 60.0);
        let text = |size: f64| Ink::Text { text: "x".into(), size, baseline: 60.0, bold: false };
        let cases = [
            (mark(text(6.0), rect, cmyk(0.0, 0.75, 0.95, 0.0)), vec!["one-ink"]),
            (mark(text(6.0), rect, cmyk(0.0, 1.0, 0.0, 0.0)), vec![]),
            (mark(text(12.0), rect, cmyk(0.0, 0.75, 0.95, 0.0)), vec![]),
            (mark(Ink::Stroke { thickness: 0.5 }, rect, cmyk(0.0, 0.0, 0.0, 0.12)), vec!["rule-tint"]),
            (mark(Ink::Stroke { thickness: 0.1 }, rect, cmyk(0.0, 0.0, 0.0, 1.0)), vec!["hairline"]),
            (mark(Ink::Fill, rect, cmyk(1.0, 1.0, 1.0, 0.6)), vec!["total-ink"]),
            (mark(Ink::Fill, rect, cmyk(0.4, 0.3, 0.3, 1.0)), vec![]),
            (mark(text(12.0), rect, cmyk(0.4, 0.3, 0.3, 1.0)), vec!["text-black"]),
            (mark(text(12.0), rect, cmyk(0.0, 0.0, 0.0, 1.0)), vec![]),
            (mark(Ink::Fill, rect, Some(Color::BLACK)), vec!["colour-space"]),
        ];
        for (m, expected) in cases {
            let (pages, _) = print_page(vec![m.clone()]);
            assert_eq!(rules_of(&inks(&pages, 300.0)), expected, "{m:?}");
        }
    }

    #[test]
    fn a_print_page_without_a_corners_crop_marks_is_refused() {
        let (w, h, b) = (148.0 * MM, 210.0 * MM, 3.0 * MM);
        let registration = cmyk(1.0, 1.0, 1.0, 1.0);
        let stroke = Ink::Stroke { thickness: 0.25 };
        // The two marks of a corner at (x, y), in the slug: one above or below, one beside.
        let corner = |x: f64, y: f64| {
            let dy = if y == 0.0 { -b - 6.0 * MM } else { b };
            let dx = if x == 0.0 { -b - 6.0 * MM } else { b };
            vec![
                mark(stroke.clone(), Rect::new(x, y + dy, x, y + dy + 6.0 * MM), registration.clone()),
                mark(stroke.clone(), Rect::new(x + dx, y, x + dx + 6.0 * MM, y), registration.clone()),
            ]
        };
        let all: Vec<Mark> =
            [(0.0, 0.0), (w, 0.0), (0.0, h), (w, h)].iter().flat_map(|&(x, y)| corner(x, y)).collect();
        let (pages, setting) = print_page(all.clone());
        assert!(crop_marks(&pages, setting.bleed).is_empty());
        // The cover's own foreground drew its art and no marks: every corner is named.
        let (pages, _) =
            print_page(vec![mark(Ink::Fill, Rect::new(0.0, 0.0, w, h), cmyk(0.0, 0.0, 1.0, 0.0))]);
        let found = crop_marks(&pages, b);
        assert_eq!(rules_of(&found), ["crop-marks"]);
        assert!(
            found[0].message.contains("top left, top right, bottom left, bottom right corner"),
            "{}",
            found[0].message
        );
        // One corner's marks missing; marks in another ink do not count.
        let mut three = all[2..].to_vec();
        three.push(mark(stroke, Rect::new(0.0, -b - 6.0 * MM, 0.0, -b), cmyk(0.0, 0.0, 0.0, 1.0)));
        let (pages, _) = print_page(three);
        let found = crop_marks(&pages, b);
        assert!(found[0].message.ends_with("no crop marks at its top left corner"), "{}", found[0].message);
    }

    #[test]
    fn words_count_across_runs_of_one_word() {
        let run = |text: &str, x0: f64, x1: f64| {
            mark(
                Ink::Text { text: text.into(), size: 10.0, baseline: 10.0, bold: false },
                Rect::new(x0, 3.0, x1, 10.0),
                None,
            )
        };
        // `wel` and `come` touch: one word; then a word after a gap.
        let marks = [run("wel", 0.0, 10.0), run("come", 10.0, 25.0), run("home", 30.0, 45.0)];
        assert_eq!(words(&marks), 2);
    }
}
