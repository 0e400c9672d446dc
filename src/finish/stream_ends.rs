//! Every stream's end written unambiguously.
//!
//! A PDF stream is `stream` EOL, `/Length` bytes of data, EOL, `endstream`. Typst's writer and
//! lopdf's both end the data with a line feed. When the data itself ends in a carriage return
//! (a Flate stream ends with its Adler-32 checksum, so about one stream in 256 does), the bytes
//! before `endstream` read CR LF, and a validator takes CR LF as the end-of-line marker:
//! `/Length` then looks one byte too long (veraPDF and `page` fail PDF/A-2 clause 6.1.7.1,
//! `PDFA2A-STREAM-LENGTH-001`). [`unambiguous`] writes CR LF after such data, so that whichever
//! way the end is read, `/Length` is right.
//!
//! It changes the last revision of a file only (the whole file for Typst's, the incremental
//! update for one finished by lopdf), moving what follows each inserted byte and rewriting that
//! revision's cross-reference table, whose entries have a fixed width.

use anyhow::{Context, Result, bail, ensure};

/// `pdf` with CR LF written after the data of every stream of its last revision whose data
/// ends in a carriage return; unchanged if there is none. Fails on a file whose last
/// revision is not a classic cross-reference table (Typst and lopdf write one).
pub(crate) fn unambiguous(pdf: Vec<u8>) -> Result<Vec<u8>> {
    let revision = Revision::read(&pdf)?;
    let ends = revision.ambiguous_ends(&pdf);
    if ends.is_empty() {
        return Ok(pdf);
    }
    let mut out = Vec::with_capacity(pdf.len() + ends.len());
    let mut from = 0;
    for &at in &ends {
        out.extend_from_slice(&pdf[from..at]);
        out.push(b'\r');
        from = at;
    }
    out.extend_from_slice(&pdf[from..]);
    let moved = |offset: usize| offset + ends.partition_point(|&at| at <= offset);
    for entry in &revision.entries {
        let field = moved(entry.field);
        let offset = format!("{:010}", moved(entry.offset));
        out[field..field + 10].copy_from_slice(offset.as_bytes());
    }
    // The number after `startxref` (its width may change; only `%%EOF` follows it).
    let (start, end) = revision.startxref_number;
    let tail = out.split_off(moved(end));
    out.truncate(moved(start));
    out.extend_from_slice(moved(revision.xref).to_string().as_bytes());
    out.extend_from_slice(&tail);
    Ok(out)
}

/// How many streams of the last revision of `pdf` end ambiguously.
#[cfg(test)]
fn ambiguous_count(pdf: &[u8]) -> Result<usize> {
    Ok(Revision::read(pdf)?.ambiguous_ends(pdf).len())
}

/// The last revision's cross-reference table: where it is, and its objects in use.
struct Revision {
    /// Where the number after the `startxref` keyword starts and ends.
    startxref_number: (usize, usize),
    /// Where the table (`xref`) starts.
    xref: usize,
    /// Where the previous revision's table starts (objects before it are not this revision's).
    previous: Option<usize>,
    /// The objects in use.
    entries: Vec<Entry>,
}

/// An object in use: its offset, and where its offset is written in the table.
struct Entry {
    offset: usize,
    field: usize,
}

impl Revision {
    /// Reads the last `startxref`, the table it points to and the trailer's `/Prev`.
    fn read(pdf: &[u8]) -> Result<Self> {
        let tail = pdf.len().saturating_sub(1024);
        let startxref = rfind(&pdf[tail..], b"startxref").context("the PDF has no startxref")? + tail;
        let (xref, end) = number_at(pdf, startxref + 9).context("startxref is not followed by a number")?;
        let start = end - xref.to_string().len();
        ensure!(
            pdf.get(xref..xref + 4) == Some(b"xref".as_slice()),
            "the PDF's last revision has no classic cross-reference table"
        );
        let (entries, trailer) = table(pdf, xref)?;
        let previous = find(&pdf[trailer..startxref], b"/Prev")
            .and_then(|at| number_at(pdf, trailer + at + 5).map(|(n, _)| n));
        Ok(Self { startxref_number: (start, end), xref, previous, entries })
    }

    /// Where a carriage return goes, in increasing order: right after the data of each stream of
    /// this revision that ends in a carriage return followed by a line feed and `endstream`.
    fn ambiguous_ends(&self, pdf: &[u8]) -> Vec<usize> {
        let mut offsets: Vec<usize> = self
            .entries
            .iter()
            .map(|e| e.offset)
            .filter(|&o| self.previous.is_none_or(|p| o > p) && o < self.xref)
            .collect();
        offsets.sort_unstable();
        offsets.dedup();
        let mut ends = Vec::new();
        for (i, &start) in offsets.iter().enumerate() {
            let end = offsets.get(i + 1).copied().unwrap_or(self.xref);
            if let Some(at) = ambiguous_end(&pdf[start..end]) {
                ends.push(start + at);
            }
        }
        ends
    }
}

/// In the bytes of one object, where the data of its stream ends if it ends in CR and the
/// stream's end is that CR's LF: the position of the LF.
fn ambiguous_end(object: &[u8]) -> Option<usize> {
    let keyword = rfind(object, b"endstream")?;
    let length = stream_length(object)?;
    // The data ends before the LF that precedes `endstream`.
    let data_end = keyword.checked_sub(1).filter(|&e| object[e] == b'\n')?;
    let data_start = data_end.checked_sub(length)?;
    let after_keyword =
        object[..data_start].ends_with(b"stream\n") || object[..data_start].ends_with(b"stream\r\n");
    (after_keyword && length > 0 && object[data_end - 1] == b'\r').then_some(data_end)
}

/// The direct `/Length` of the stream dictionary at the start of `object`.
fn stream_length(object: &[u8]) -> Option<usize> {
    let dict_end = find(object, b"stream")?;
    let mut from = 0;
    while let Some(at) = find(&object[from..dict_end], b"/Length") {
        let after = from + at + 7;
        if object.get(after).is_some_and(|c| c.is_ascii_whitespace()) {
            let (length, next) = number_at(object, after)?;
            // `12 0 R` is a reference to the length, which Typst and lopdf do not write.
            let rest = &object[next..dict_end];
            let word = rest.iter().skip_while(|c| c.is_ascii_whitespace()).take_while(|c| c.is_ascii_digit());
            return (word.count() == 0).then_some(length);
        }
        from = after;
    }
    None
}

/// The classic cross-reference table at `xref`: its entries in use, and where its trailer is.
fn table(pdf: &[u8], xref: usize) -> Result<(Vec<Entry>, usize)> {
    let mut at = xref + 4;
    let mut entries = Vec::new();
    loop {
        while pdf.get(at).is_some_and(u8::is_ascii_whitespace) {
            at += 1;
        }
        if pdf[at..].starts_with(b"trailer") {
            return Ok((entries, at));
        }
        let (_, next) =
            number_at(pdf, at).context("a cross-reference subsection without its first object")?;
        let (count, next) = number_at(pdf, next).context("a cross-reference subsection without a count")?;
        at = next;
        while pdf.get(at).is_some_and(u8::is_ascii_whitespace) {
            at += 1;
        }
        for _ in 0..count {
            let line = pdf.get(at..at + 20).context("the cross-reference table ends early")?;
            match line[17] {
                b'n' => {
                    let offset = std::str::from_utf8(&line[..10]).ok().and_then(|s| s.parse().ok());
                    entries.push(Entry {
                        offset: offset.context("a cross-reference entry's offset")?,
                        field: at,
                    });
                }
                b'f' => {}
                _ => bail!("a cross-reference entry is neither in use nor free"),
            }
            at += 20;
        }
    }
}

/// The unsigned number after any whitespace at `at`, and where it ends.
fn number_at(bytes: &[u8], at: usize) -> Option<(usize, usize)> {
    let start = at + bytes.get(at..)?.iter().take_while(|c| c.is_ascii_whitespace()).count();
    let digits = bytes[start..].iter().take_while(|c| c.is_ascii_digit()).count();
    let text = std::str::from_utf8(&bytes[start..start + digits]).ok()?;
    Some((text.parse().ok()?, start + digits))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use lopdf::{Document, Object, Stream, dictionary};

    use super::*;

    /// A one-page PDF whose content stream's data is `data`, saved by lopdf.
    fn pdf_with_stream(data: &[u8]) -> Vec<u8> {
        let mut doc = Document::with_version("1.7");
        let content = doc.add_object(Stream::new(dictionary! {}, data.to_vec()).with_compression(false));
        let pages = doc.new_object_id();
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages, "Contents" => content,
            "MediaBox" => vec![0.into(), 0.into(), 100.into(), 100.into()],
        });
        doc.objects.insert(
            pages,
            Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 }),
        );
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
        doc.trailer.set("Root", catalog);
        // A classic cross-reference table, as Typst and lopdf's incremental updates write.
        doc.reference_table.cross_reference_type = lopdf::xref::XrefType::CrossReferenceTable;
        let mut out = Vec::new();
        doc.save_to(&mut out).unwrap();
        out
    }

    #[test]
    fn a_stream_whose_data_ends_in_a_carriage_return_ends_in_cr_lf() {
        let data = b"0 0 m 10 10 l S\r";
        let before = pdf_with_stream(data);
        assert!(find(&before, b"S\r\nendstream").is_some(), "the fixture ends its data in CR, then LF");
        assert_eq!(ambiguous_count(&before).unwrap(), 1);
        let after = unambiguous(before.clone()).unwrap();
        assert_eq!(after.len(), before.len() + 1);
        assert!(find(&after, b"S\r\r\nendstream").is_some());
        assert_eq!(ambiguous_count(&after).unwrap(), 0);
        // The table points at every object where it now is, and the data is the same.
        let doc = Document::load_mem(&after).unwrap();
        let page = *doc.get_pages().values().next().unwrap();
        let content = doc.get_dictionary(page).unwrap().get(b"Contents").unwrap().as_reference().unwrap();
        assert_eq!(doc.get_object(content).unwrap().as_stream().unwrap().content, data);
        for (id, entry) in &doc.reference_table.entries {
            if let lopdf::xref::XrefEntry::Normal { offset, .. } = entry {
                let head = format!("{} {} obj", id, 0);
                assert!(after[*offset as usize..].starts_with(head.as_bytes()), "object {id} moved");
            }
        }
    }

    #[test]
    fn a_file_without_such_a_stream_is_unchanged() {
        let pdf = pdf_with_stream(b"0 0 m 10 10 l S\n");
        assert_eq!(unambiguous(pdf.clone()).unwrap(), pdf);
        let pdf = pdf_with_stream(b"0 0 m 10 10 l S");
        assert_eq!(unambiguous(pdf.clone()).unwrap(), pdf);
    }
}
