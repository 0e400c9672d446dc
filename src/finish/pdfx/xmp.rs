//! The document's metadata as PDF/X-4 asks: the document information's `/Trapped` and
//! `/GTS_PDFXVersion`, and the XMP packet Typst wrote, edited (not rewritten: everything Typst
//! wrote stays) to say PDF/X-4 with its dates and identifiers. One small writer of its own:
//! `xmp-writer`, which Typst uses, writes a new packet but cannot edit one.

use std::fmt::Write as _;

use anyhow::{Context, Result, bail, ensure};
use lopdf::{IncrementalDocument, Object, StringFormat};

use super::VERSION;

/// The document's title and dates, as the document information has them and XMP writes them.
pub(super) struct Dates {
    pub(super) title: String,
    pub(super) created: String,
    pub(super) modified: String,
}

/// Sets `/Trapped /False` and `/GTS_PDFXVersion (PDF/X-4)` in the document information
/// dictionary (and `/ModDate` to the creation date if missing); returns its title and dates.
pub(super) fn info_pdfx(update: &mut IncrementalDocument) -> Result<Dates> {
    let prev = update.get_prev_documents();
    let info_id = prev.trailer.get(b"Info").and_then(Object::as_reference).context("the PDF has no /Info")?;
    let info = prev.get_dictionary(info_id)?;
    let text = |key: &[u8]| info.get(key).ok().and_then(|v| v.as_str().ok()).map(decode_text_string);
    let title = text(b"Title")
        .filter(|t| !t.trim().is_empty())
        .context("the PDF has no title (PDF/X-4 needs one)")?;
    let created_raw = info.get(b"CreationDate").and_then(Object::as_str).ok().map(<[u8]>::to_vec);
    let created_raw =
        created_raw.context("the PDF has no /CreationDate (PDF/X needs the document's dates)")?;
    let modified_raw = info.get(b"ModDate").and_then(Object::as_str).ok().map(<[u8]>::to_vec);
    let created = xmp_date(&created_raw)?;
    let modified = modified_raw.as_deref().map(xmp_date).transpose()?.unwrap_or_else(|| created.clone());
    update.opt_clone_object_to_new_document(info_id)?;
    let info = update.new_document.get_dictionary_mut(info_id)?;
    info.set("Trapped", Object::Name(b"False".to_vec()));
    info.set("GTS_PDFXVersion", Object::String(b"PDF/X-4".to_vec(), StringFormat::Literal));
    if modified_raw.is_none() {
        info.set("ModDate", Object::String(created_raw, StringFormat::Literal));
    }
    Ok(Dates { title, created, modified })
}

/// A PDF text string (PDFDocEncoding, taken as Latin-1, or UTF-16BE with its mark) as text.
fn decode_text_string(bytes: &[u8]) -> String {
    match bytes.strip_prefix(&[0xFE, 0xFF]) {
        Some(utf16) => {
            let units: Vec<u16> = utf16.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
            String::from_utf16_lossy(&units)
        }
        None => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

/// A PDF date, `D:YYYYMMDDHHmmSSOHH'mm'` (everything after the year optional), as an XMP
/// (ISO 8601) date, `YYYY-MM-DDTHH:mm:SS+HH:mm` or `…Z`.
pub(super) fn xmp_date(pdf: &[u8]) -> Result<String> {
    let text = String::from_utf8_lossy(pdf);
    let s = text.strip_prefix("D:").unwrap_or(&text);
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    ensure!(digits.len() >= 4, "{text:?} is not a PDF date");
    let part = |from: usize, default: &'static str| digits.get(from..from + 2).unwrap_or(default).to_string();
    let date = format!("{}-{}-{}", &digits[..4], part(4, "01"), part(6, "01"));
    let time = format!("{}:{}:{}", part(8, "00"), part(10, "00"), part(12, "00"));
    let zone: String = s[digits.len()..].chars().filter(|c| *c != '\'').collect();
    let zone = match zone.as_bytes() {
        [] | [b'Z', ..] => "Z".to_string(),
        [sign @ (b'+' | b'-'), rest @ ..] if rest.len() >= 2 && rest.iter().all(u8::is_ascii_digit) => {
            let rest = String::from_utf8_lossy(rest);
            let minutes = rest.get(2..4).unwrap_or("00");
            if rest[..2] == *"00" && minutes == "00" {
                "Z".to_string()
            } else {
                format!("{}{}:{minutes}", *sign as char, &rest[..2])
            }
        }
        _ => bail!("{text:?} has a time zone that is not a PDF date's"),
    };
    Ok(format!("{date}T{time}{zone}"))
}

/// The namespaces of the XMP properties PDF/X-4 needs, by the prefixes written here.
const NAMESPACES: [(&str, &str); 6] = [
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("pdfxid", "http://www.npes.org/pdfx/ns/id/"),
    ("pdf", "http://ns.adobe.com/pdf/1.3/"),
    ("xmp", "http://ns.adobe.com/xap/1.0/"),
    ("xmpMM", "http://ns.adobe.com/xap/1.0/mm/"),
    ("dc", "http://purl.org/dc/elements/1.1/"),
];

/// What [`xmp_pdfx`] writes besides the title and dates.
pub(super) struct XmpFields<'a> {
    pub(super) dates: &'a Dates,
    /// `xmpMM:DocumentID` if the packet has none.
    pub(super) document_id: &'a str,
    /// `xmpMM:InstanceID`: this file's.
    pub(super) instance_id: &'a str,
}

/// The XMP packet `old` (Typst's, or none) with what PDF/X-4 asks for: `pdfxid:GTS_PDFXVersion`
/// `PDF/X-4`, `pdf:Trapped` `False`, `pdf:PDFVersion` 1.6, `xmp:CreateDate`, `xmp:ModifyDate`
/// and `xmp:MetadataDate` from the document information's dates, `xmpMM:InstanceID`,
/// `xmpMM:VersionID` and `xmpMM:RenditionClass` `default`; `xmpMM:DocumentID` and `dc:title`
/// where missing. Those properties are removed from where they were and written in an
/// `rdf:Description` of their own; everything else in the packet stays as it was.
pub(super) fn xmp_pdfx(old: Option<&str>, fields: &XmpFields) -> Result<String> {
    let empty = format!(
        "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?><x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\
         <rdf:RDF xmlns:rdf=\"{}\"></rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>",
        NAMESPACES[0].1
    );
    let mut xmp = old.map_or(empty, str::to_string);
    let dates = fields.dates;
    let mut props: Vec<(&str, &str, String)> = vec![
        ("pdfxid", "GTS_PDFXVersion", "PDF/X-4".into()),
        ("pdf", "Trapped", "False".into()),
        ("pdf", "PDFVersion", VERSION.into()),
        ("xmp", "CreateDate", dates.created.clone()),
        ("xmp", "ModifyDate", dates.modified.clone()),
        ("xmp", "MetadataDate", dates.modified.clone()),
        ("xmpMM", "InstanceID", fields.instance_id.into()),
        ("xmpMM", "VersionID", "1".into()),
        ("xmpMM", "RenditionClass", "default".into()),
    ];
    let document_id = xmp_property(&xmp, "xmpMM", "DocumentID");
    props.push(("xmpMM", "DocumentID", document_id.unwrap_or_else(|| fields.document_id.to_string())));
    for (prefix, name, _) in &props {
        xmp = remove_xmp_property(&xmp, prefix, name);
    }
    xmp = remove_empty_descriptions(&xmp);
    let mut description = String::new();
    for (prefix, name, value) in &props {
        let _ = write!(description, "<{prefix}:{name}>{}</{prefix}:{name}>", xml_escape(value));
    }
    if xmp_property(&xmp, "dc", "title").is_none() {
        let title = xml_escape(&dates.title);
        let _ = write!(
            description,
            "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{title}</rdf:li></rdf:Alt></dc:title>"
        );
    }
    let about = attribute(&xmp, "rdf:about").unwrap_or_default();
    let xmlns: String = NAMESPACES.iter().map(|(p, uri)| format!(" xmlns:{p}=\"{uri}\"")).collect();
    let description =
        format!("<rdf:Description rdf:about=\"{about}\"{xmlns}>{description}</rdf:Description>");
    let end = xmp.rfind("</rdf:RDF>").context("the XMP metadata has no </rdf:RDF>")?;
    xmp.insert_str(end, &description);
    Ok(xmp)
}

/// The prefixes `xmp` binds to the namespace of our prefix `prefix` ([`NAMESPACES`]), and
/// `prefix` itself if the namespace is not declared (so the property is looked for by name).
fn prefixes_of(xmp: &str, prefix: &str) -> Vec<String> {
    let uri = NAMESPACES.iter().find(|(p, _)| *p == prefix).map_or("", |(_, uri)| *uri);
    let mut found = Vec::new();
    let mut rest = xmp;
    while let Some(at) = rest.find("xmlns:") {
        rest = &rest[at + 6..];
        let Some(eq) = rest.find('=') else { break };
        let value = rest[eq + 1..].trim_start();
        let quote = value.chars().next().unwrap_or('"');
        let value = value.get(1..).and_then(|v| v.split(quote).next()).unwrap_or_default();
        if value == uri {
            found.push(rest[..eq].trim().to_string());
        }
    }
    if found.is_empty() {
        found.push(prefix.to_string());
    }
    found
}

/// Where the element `<qname …>…</qname>` (or `<qname …/>`) is in `xmp`: its byte range.
fn element_range(xmp: &str, qname: &str) -> Option<std::ops::Range<usize>> {
    let open = format!("<{qname}");
    let mut from = 0;
    while let Some(at) = xmp[from..].find(&open).map(|i| i + from) {
        let after = xmp[at + open.len()..].chars().next()?;
        if after.is_whitespace() || after == '>' || after == '/' {
            let gt = at + xmp[at..].find('>')?;
            if xmp[..gt].ends_with('/') {
                return Some(at..gt + 1);
            }
            let close = format!("</{qname}");
            let end = gt + xmp[gt..].find(&close)?;
            let end = end + xmp[end..].find('>')? + 1;
            return Some(at..end);
        }
        from = at + open.len();
    }
    None
}

/// The text of the simple property `prefix:name` of `xmp`, as an element or an attribute.
pub(super) fn xmp_property(xmp: &str, prefix: &str, name: &str) -> Option<String> {
    prefixes_of(xmp, prefix).iter().find_map(|p| {
        let qname = format!("{p}:{name}");
        match element_range(xmp, &qname) {
            Some(range) => {
                let element = &xmp[range];
                let inner = element.find('>').map(|i| &element[i + 1..])?;
                Some(inner.rsplit_once("</").map_or("", |(text, _)| text).to_string())
            }
            None => attribute(xmp, &qname),
        }
    })
}

/// The value of the first attribute `qname="…"` in `xmp`.
fn attribute(xmp: &str, qname: &str) -> Option<String> {
    let at = attribute_range(xmp, qname)?;
    let text = &xmp[at];
    let value = text.split_once('=')?.1.trim();
    Some(value.get(1..value.len().saturating_sub(1))?.to_string())
}

/// Where the first attribute `qname="…"` (or with `'`) in a tag of `xmp` is, with the space
/// before it.
fn attribute_range(xmp: &str, qname: &str) -> Option<std::ops::Range<usize>> {
    let pattern = format!("{qname}=");
    let mut from = 0;
    while let Some(at) = xmp[from..].find(&pattern).map(|i| i + from) {
        let in_tag = xmp[..at].rfind('<') > xmp[..at].rfind('>');
        let spaced = xmp[..at].ends_with(char::is_whitespace);
        let rest = &xmp[at + pattern.len()..];
        if let (true, true, Some(quote @ ('"' | '\''))) = (in_tag, spaced, rest.chars().next()) {
            let end = at + pattern.len() + 1 + rest[1..].find(quote)? + 1;
            let start = xmp[..at].trim_end().len();
            return Some(start..end);
        }
        from = at + pattern.len();
    }
    None
}

/// `xmp` without the property `prefix:name`, in element or attribute form, wherever it is.
pub(super) fn remove_xmp_property(xmp: &str, prefix: &str, name: &str) -> String {
    let mut xmp = xmp.to_string();
    for p in prefixes_of(&xmp, prefix) {
        let qname = format!("{p}:{name}");
        while let Some(range) = element_range(&xmp, &qname).or_else(|| attribute_range(&xmp, &qname)) {
            xmp.replace_range(range, "");
        }
    }
    xmp
}

/// `xmp` without the `rdf:Description` elements left empty (such as the one an earlier run
/// wrote, once its properties are removed): no content, no attributes but `rdf:about` and
/// namespace declarations.
pub(super) fn remove_empty_descriptions(xmp: &str) -> String {
    let mut xmp = xmp.to_string();
    let end = "</rdf:Description>";
    let mut from = 0;
    while let Some(at) = xmp[from..].find("<rdf:Description").map(|i| i + from) {
        let Some(gt) = xmp[at..].find('>').map(|i| i + at) else { break };
        let names = attribute_names(&xmp[at + "<rdf:Description".len()..gt]);
        let bare = names.iter().all(|n| n == "rdf:about" || n.starts_with("xmlns"));
        if bare && xmp[gt + 1..].starts_with(end) {
            xmp.replace_range(at..gt + 1 + end.len(), "");
        } else {
            from = gt;
        }
    }
    xmp
}

/// The names of the attributes in `attributes` (`a="…" b='…'`).
fn attribute_names(attributes: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = attributes;
    while let Some(eq) = rest.find('=') {
        names.push(rest[..eq].trim().to_string());
        let value = rest[eq + 1..].trim_start();
        let quote = value.chars().next().unwrap_or('"');
        let Some(close) = value.get(1..).and_then(|v| v.find(quote)) else { break };
        rest = &value[close + 2..];
    }
    names
}

/// `text` with the characters XML gives a meaning escaped.
fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}
