use lopdf::{Dictionary, Document, Object, Stream, StringFormat};

use super::ink::number;
use super::xmp::{remove_empty_descriptions, remove_xmp_property, xmp_date, xmp_property};
use super::*;

/// The print finishing of `pdf` (its bleed 3 mm) for `intent`: what these tests check of it.
fn to_pdfx4(pdf: Vec<u8>, intent: &OutputIntent) -> Result<Vec<u8>> {
    crate::finish::print_file(pdf, 3.0, intent).map(|(pdf, ..)| pdf)
}

/// A minimal ICC header: a CMYK output profile of ICC version 2.2 without tags.
fn icc(class: &[u8; 4], space: &[u8; 4]) -> Vec<u8> {
    let mut icc = vec![0u8; 132];
    icc[..4].copy_from_slice(&132u32.to_be_bytes());
    icc[8] = 2;
    icc[9] = 0x20;
    icc[12..16].copy_from_slice(class);
    icc[16..20].copy_from_slice(space);
    icc[20..24].copy_from_slice(b"Lab ");
    icc[36..40].copy_from_slice(b"acsp");
    icc
}

fn intent(icc: &[u8]) -> OutputIntent<'_> {
    OutputIntent {
        icc,
        identifier: "FOGRA51",
        condition: "PSO Coated v3",
        registry: "http://www.color.org",
        info: "test profile",
    }
}

/// Typst's XMP for a PDF/UA-1 file (as xmp-writer writes it), shortened.
const TYPST_XMP: &str = "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?><x:xmpmeta xmlns:x=\"adobe:ns:meta/\" x:xmptk=\"xmp-writer\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"  xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"  xmlns:xmpMM=\"http://ns.adobe.com/xap/1.0/mm/\"  xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"  xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\" ><dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">Milan &amp; more</rdf:li></rdf:Alt></dc:title><dc:language><rdf:Bag><rdf:li>en-GB</rdf:li></rdf:Bag></dc:language><xmp:ModifyDate>2023-01-01T00:00:00Z</xmp:ModifyDate><xmp:CreateDate>2023-01-01T00:00:00Z</xmp:CreateDate><pdfuaid:part>1</pdfuaid:part><xmpMM:InstanceID>XDk0</xmpMM:InstanceID><xmpMM:DocumentID>yS6p</xmpMM:DocumentID><xmpMM:RenditionClass>proof</xmpMM:RenditionClass><pdf:PDFVersion>1.7</pdf:PDFVersion></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end=\"r\"?>";

/// A one-page print PDF like Typst's: boxes, a structure tree, the XMP above, the content
/// `content`; `extra` adds to the page dictionary and resources.
fn sample(content: &str, extra: impl FnOnce(&mut Document, &mut Dictionary, &mut Dictionary)) -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let stream = doc.add_object(Stream::new(Dictionary::new(), content.as_bytes().to_vec()));
    let rect = |a: f32, b: f32| Object::Array([a, a, b, b].iter().map(|&v| Object::Real(v)).collect());
    let mut page = Dictionary::from_iter([
        ("Type", Object::Name(b"Page".to_vec())),
        ("Parent", Object::Reference(pages_id)),
        ("MediaBox", rect(0.0, 200.0)),
        ("BleedBox", rect(5.0, 195.0)),
        ("TrimBox", rect(10.0, 190.0)),
        ("Contents", Object::Reference(stream)),
    ]);
    let mut resources = Dictionary::new();
    extra(&mut doc, &mut page, &mut resources);
    page.set("Resources", Object::Dictionary(resources));
    let page_id = doc.add_object(page);
    let pages = Dictionary::from_iter([
        ("Type", Object::Name(b"Pages".to_vec())),
        ("Kids", Object::Array(vec![Object::Reference(page_id)])),
        ("Count", Object::Integer(1)),
    ]);
    doc.objects.insert(pages_id, Object::Dictionary(pages));
    let xmp_dict = Dictionary::from_iter([
        ("Type", Object::Name(b"Metadata".to_vec())),
        ("Subtype", Object::Name(b"XML".to_vec())),
    ]);
    let xmp = doc.add_object(Stream::new(xmp_dict, TYPST_XMP.as_bytes().to_vec()));
    let tree = doc.add_object(Dictionary::from_iter([("Type", Object::Name(b"StructTreeRoot".to_vec()))]));
    let catalog = doc.add_object(Dictionary::from_iter([
        ("Type", Object::Name(b"Catalog".to_vec())),
        ("Pages", Object::Reference(pages_id)),
        ("Metadata", Object::Reference(xmp)),
        ("StructTreeRoot", Object::Reference(tree)),
        ("MarkInfo", Object::Dictionary(Dictionary::from_iter([("Marked", Object::Boolean(true))]))),
    ]));
    let text = |s: &[u8]| Object::String(s.to_vec(), StringFormat::Literal);
    let info = doc.add_object(Dictionary::from_iter([
        ("Title", text(b"Milan & more")),
        ("CreationDate", text(b"D:20230101000000Z")),
        ("ModDate", text(b"D:20230102030405+01'00'")),
    ]));
    doc.trailer.set("Root", Object::Reference(catalog));
    doc.trailer.set("Info", Object::Reference(info));
    doc.trailer.set("ID", Object::Array(vec![text(b"yS6p"), text(b"XDk0")]));
    let mut out = Vec::new();
    // A classic cross-reference table, as Typst writes.
    doc.reference_table.cross_reference_type = lopdf::xref::XrefType::CrossReferenceTable;
    doc.save_to(&mut out).expect("the sample saves");
    out
}

fn no_extra(_: &mut Document, _: &mut Dictionary, _: &mut Dictionary) {}

fn catalog(doc: &Document) -> &Dictionary {
    let root = doc.trailer.get(b"Root").and_then(Object::as_reference).expect("a catalog");
    doc.get_dictionary(root).expect("a catalog dictionary")
}

fn xmp_of(doc: &Document) -> String {
    let id = catalog(doc).get(b"Metadata").and_then(Object::as_reference).expect("metadata");
    let stream = doc.get_object(id).and_then(Object::as_stream).expect("a metadata stream");
    String::from_utf8(stream.get_plain_content().expect("plain")).expect("UTF-8")
}

#[test]
fn makes_pdfx4_keeping_typst_metadata_and_structure() {
    let icc = icc(b"prtr", b"CMYK");
    let input = sample("0 0 0 1 k 20 20 50 50 re f", no_extra);
    let out = to_pdfx4(input.clone(), &intent(&icc)).expect("converts");
    assert!(out.starts_with(b"%PDF-1.6"));
    assert!(out.starts_with(&input[..7]) && out[8..input.len()] == input[8..], "an incremental update");
    let doc = Document::load_mem(&out).expect("reads back");
    let cat = catalog(&doc);
    assert_eq!(cat.get(b"Version").and_then(Object::as_name).ok(), Some(&b"1.6"[..]));
    assert!(cat.has(b"StructTreeRoot") && cat.has(b"MarkInfo"));
    let intents = cat.get(b"OutputIntents").and_then(Object::as_array).expect("output intents");
    assert_eq!(intents.len(), 1);
    let oi = intents[0].as_dict().expect("an intent");
    assert_eq!(oi.get(b"S").and_then(Object::as_name).ok(), Some(&b"GTS_PDFX"[..]));
    assert_eq!(oi.get(b"OutputConditionIdentifier").and_then(Object::as_str).ok(), Some(&b"FOGRA51"[..]));
    let profile = oi.get(b"DestOutputProfile").and_then(Object::as_reference).expect("a profile");
    let profile = doc.get_object(profile).and_then(Object::as_stream).expect("a profile stream");
    assert_eq!(profile.dict.get(b"N").and_then(Object::as_i64).ok(), Some(4));
    assert_eq!(profile.get_plain_content().expect("decodes"), icc);
    let info_id = doc.trailer.get(b"Info").and_then(Object::as_reference).expect("info");
    let info = doc.get_dictionary(info_id).expect("an info dictionary");
    assert_eq!(info.get(b"Trapped").and_then(Object::as_name).ok(), Some(&b"False"[..]));
    assert_eq!(info.get(b"GTS_PDFXVersion").and_then(Object::as_str).ok(), Some(&b"PDF/X-4"[..]));
    let xmp = xmp_of(&doc);
    for kept in [
        "<pdfuaid:part>1</pdfuaid:part>",
        "<rdf:li>en-GB</rdf:li>",
        "Milan &amp; more",
        "<xmpMM:DocumentID>yS6p<",
    ] {
        assert!(xmp.contains(kept), "{kept} kept in {xmp}");
    }
    for added in [
        "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>",
        "<pdf:Trapped>False</pdf:Trapped>",
        "<pdf:PDFVersion>1.6</pdf:PDFVersion>",
        "<xmp:CreateDate>2023-01-01T00:00:00Z</xmp:CreateDate>",
        "<xmp:ModifyDate>2023-01-02T03:04:05+01:00</xmp:ModifyDate>",
        "<xmp:MetadataDate>2023-01-02T03:04:05+01:00</xmp:MetadataDate>",
        "<xmpMM:VersionID>1</xmpMM:VersionID>",
        "<xmpMM:RenditionClass>default</xmpMM:RenditionClass>",
    ] {
        assert!(xmp.contains(added), "{added} in {xmp}");
    }
    for gone in ["proof", "<pdf:PDFVersion>1.7", "XDk0", "<xmp:ModifyDate>2023-01-01"] {
        assert!(!xmp.contains(gone), "{gone} replaced in {xmp}");
    }
    assert_eq!(xmp.matches("<dc:title>").count(), 1);
}

#[test]
fn is_deterministic_and_idempotent() {
    let icc = icc(b"prtr", b"CMYK");
    let input = sample("0 0 0 1 k 20 20 50 50 re f", no_extra);
    let once = to_pdfx4(input.clone(), &intent(&icc)).expect("converts");
    assert_eq!(once, to_pdfx4(input, &intent(&icc)).expect("converts again"));
    let twice = to_pdfx4(once.clone(), &intent(&icc)).expect("converts its output");
    let doc = Document::load_mem(&twice).expect("reads back");
    let profiles = doc.objects.values().filter(|o| o.as_stream().is_ok_and(|s| s.dict.has(b"N"))).count();
    assert_eq!(profiles, 1, "the profile is embedded once");
    let xmp = xmp_of(&doc);
    assert_eq!(xmp.matches("<pdfxid:GTS_PDFXVersion>").count(), 1);
    assert_eq!(xmp.matches("<rdf:Description").count(), 2, "{xmp}");
}

#[test]
fn removes_links_and_their_object_references() {
    let icc = icc(b"prtr", b"CMYK");
    let annot = |subtype: &[u8]| {
        Dictionary::from_iter([
            ("Type", Object::Name(b"Annot".to_vec())),
            ("Subtype", Object::Name(subtype.to_vec())),
            ("Rect", Object::Array(vec![20.into(), 20.into(), 40.into(), 40.into()])),
            ("F", Object::Integer(4)),
        ])
    };
    let mut ids = None;
    let input = sample("0 0 0 1 k 20 20 50 50 re f", |doc, page, _| {
        let (link, square) = (doc.add_object(annot(b"Link")), doc.add_object(annot(b"Square")));
        page.set("Annots", Object::Array(vec![Object::Reference(link), Object::Reference(square)]));
        ids = Some((link, square));
    });
    let (link, square) = ids.expect("the annotations");
    // A Link element holding its text and the annotation.
    let mut doc = Document::load_mem(&input).expect("reads");
    let objr =
        Dictionary::from_iter([("Type", Object::Name(b"OBJR".to_vec())), ("Obj", Object::Reference(link))]);
    let element = doc.add_object(Dictionary::from_iter([
        ("Type", Object::Name(b"StructElem".to_vec())),
        ("S", Object::Name(b"Link".to_vec())),
        ("K", Object::Array(vec![Object::Integer(0), Object::Dictionary(objr)])),
    ]));
    let catalog = doc.catalog().expect("a catalog");
    let tree = catalog.get(b"StructTreeRoot").and_then(Object::as_reference).expect("a tree");
    doc.get_dictionary_mut(tree).expect("the tree").set("K", Object::Reference(element));
    let mut input = Vec::new();
    doc.save_to(&mut input).expect("saves");

    let out = to_pdfx4(input, &intent(&icc)).expect("converts");
    let doc = Document::load_mem(&out).expect("reads back");
    let page = doc.get_dictionary(doc.get_pages()[&1]).expect("a page");
    let annots = page.get(b"Annots").and_then(Object::as_array).expect("the square stays");
    assert_eq!(annots, &vec![Object::Reference(square)]);
    let element = doc.get_dictionary(element).expect("the element stays");
    assert_eq!(element.get(b"K").and_then(Object::as_array).expect("kids"), &vec![Object::Integer(0)]);
}

#[test]
fn rewrites_rgb_groups_annotation_colours_and_unused_rgb_spaces() {
    let icc = icc(b"prtr", b"CMYK");
    let input = sample("0 1 0 0 k 20 20 50 50 re f", |doc, page, resources| {
        let group =
            [("S", Object::Name(b"Transparency".to_vec())), ("CS", Object::Name(b"DeviceRGB".to_vec()))];
        page.set("Group", Object::Dictionary(Dictionary::from_iter(group)));
        let annot = Dictionary::from_iter([
            ("Type", Object::Name(b"Annot".to_vec())),
            ("Subtype", Object::Name(b"Square".to_vec())),
            ("Rect", Object::Array(vec![20.into(), 20.into(), 40.into(), 40.into()])),
            ("C", Object::Array(vec![Object::Real(1.0), Object::Real(0.0), Object::Real(0.0)])),
        ]);
        let annot = doc.add_object(annot);
        page.set("Annots", Object::Array(vec![Object::Reference(annot)]));
        let srgb =
            doc.add_object(Stream::new(Dictionary::from_iter([("N", Object::Integer(3))]), vec![0; 8]));
        let spaces =
            [("cs0", Object::Array(vec![Object::Name(b"ICCBased".to_vec()), Object::Reference(srgb)]))];
        resources.set("ColorSpace", Object::Dictionary(Dictionary::from_iter(spaces)));
    });
    let out = to_pdfx4(input, &intent(&icc)).expect("converts");
    let doc = Document::load_mem(&out).expect("reads back");
    let page = doc.get_dictionary(doc.get_pages()[&1]).expect("a page");
    let group = page.get(b"Group").and_then(Object::as_dict).expect("a group");
    assert_eq!(group.get(b"CS").and_then(Object::as_name).ok(), Some(&b"DeviceCMYK"[..]));
    let annot = page.get(b"Annots").and_then(Object::as_array).expect("annotations")[0].as_reference();
    let annot = doc.get_dictionary(annot.expect("a reference")).expect("an annotation");
    let c: Vec<f32> = annot
        .get(b"C")
        .and_then(Object::as_array)
        .expect("/C")
        .iter()
        .filter_map(|v| v.as_float().ok())
        .collect();
    assert_eq!(c, [0.0, 1.0, 1.0, 0.0]);
    let spaces = page.get(b"Resources").and_then(Object::as_dict).and_then(|r| r.get(b"ColorSpace"));
    assert!(spaces.and_then(Object::as_dict).is_ok_and(|s| !s.has(b"cs0")), "the unused sRGB space is gone");
}

/// The shipped profile, which Little CMS reads.
const PSO: &[u8] = include_bytes!("../../../icc/PSOcoated_v3_300_mth.icc");

#[test]
fn converts_rgb_vector_colours_through_the_profile_and_greys_to_black_ink() {
    let content =
        "q 0.5 0.5 0.5 rg 0 0 0 RG 20 20 50 50 re B Q /c0 cs 0.961 0.333 0.067 scn 1 0 0 RG 0 0 5 5 re B";
    let pdf = sample(content, |doc, _, resources| {
        let srgb =
            doc.add_object(Stream::new(Dictionary::from_iter([("N", Object::Integer(3))]), vec![0; 4]));
        let space = Object::Array(vec![Object::Name(b"ICCBased".to_vec()), Object::Reference(srgb)]);
        resources.set("ColorSpace", Object::Dictionary(Dictionary::from_iter([("c0", space)])));
    });
    let out = to_pdfx4(pdf, &intent(PSO)).expect("RGB vector colours convert");
    let doc = Document::load_mem(&out).unwrap();
    let page = *doc.get_pages().values().next().unwrap();
    let ops = lopdf::content::Content::decode(&doc.get_page_content(page).unwrap()).unwrap().operations;
    let shown: Vec<String> = ops
        .iter()
        .map(|o| {
            format!(
                "{} {}",
                o.operands.iter().filter_map(number).map(|v| format!("{v:.2}")).collect::<Vec<_>>().join(" "),
                o.operator
            )
        })
        .collect();
    assert!(shown.contains(&"0.00 0.00 0.00 0.50 k".to_string()), "a grey is black ink alone: {shown:?}");
    assert!(shown.contains(&"0.00 0.00 0.00 1.00 K".to_string()), "{shown:?}");
    assert!(!ops.iter().any(|o| matches!(o.operator.as_str(), "rg" | "RG" | "cs" | "scn")), "{shown:?}");
    // The site's orange through PSO Coated v3: no cyan to speak of, much magenta and yellow.
    let orange = ops.iter().filter(|o| o.operator == "k").nth(2).expect("the orange");
    let v: Vec<f64> = orange.operands.iter().filter_map(number).collect();
    assert!(v[0] < 0.1 && v[1] > 0.5 && v[2] > 0.7 && v[3] < 0.1, "{v:?}");
    assert!(ink_coverage(&out).unwrap()[0].rgb.is_empty());
}

#[test]
fn refuses_what_it_cannot_fix() {
    let cmyk = icc(b"prtr", b"CMYK");
    // RGB vector colours are converted through the profile: one Little CMS cannot read fails.
    let rgb_painted = sample("1 0 0 rg 20 20 50 50 re f", no_extra);
    let err = to_pdfx4(rgb_painted, &intent(&cmyk)).expect_err("RGB content, a header for a profile");
    assert!(format!("{err:#}").contains("output profile"), "{err:#}");
    let monitor = icc(b"mntr", b"RGB ");
    let ok = sample("0 0 0 1 k 20 20 50 50 re f", no_extra);
    assert!(to_pdfx4(ok.clone(), &intent(&monitor)).is_err());
    let mut v5 = cmyk.clone();
    v5[8] = 5;
    assert!(intent(&v5).check().is_err());
    assert!(intent(&cmyk[..100]).check().is_err());
    let loose = sample("", |_, page, _| {
        page.set("TrimBox", Object::Array(vec![0.into(), 0.into(), 201.into(), 199.into()]))
    });
    let err = to_pdfx4(loose, &intent(&cmyk)).expect_err("TrimBox beyond the MediaBox, so the BleedBox");
    assert!(format!("{err:#}").contains("nest"), "{err:#}");
    let font = sample("", |doc, _, resources| {
        let font = Dictionary::from_iter([
            ("Type", Object::Name(b"Font".to_vec())),
            ("Subtype", Object::Name(b"Type1".to_vec())),
            ("BaseFont", Object::Name(b"Helvetica".to_vec())),
        ]);
        let font = doc.add_object(font);
        resources.set("Font", Object::Dictionary(Dictionary::from_iter([("F1", Object::Reference(font))])));
    });
    let err = to_pdfx4(font, &intent(&cmyk)).expect_err("a font not embedded");
    assert!(format!("{err:#}").contains("Helvetica"), "{err:#}");
}

#[test]
fn measures_inks_inside_and_outside_the_bleed() {
    // A rich black square inside; a registration hairline in the slug from the bleed's edge
    // outwards; 50 % gray text; a magenta rectangle clipped away to the slug.
    let content = "0.4 0.3 0.3 1 k 20 20 50 50 re f \
                   1 1 1 1 K 0.25 w 100 195 m 100 200 l S \
                   0.5 g BT /F1 8 Tf 30 100 Td (x) Tj ET \
                   q 0 0 5 5 re W n 0 1 0 0 k 0 0 200 200 re f Q";
    let pages = ink_coverage(&sample(content, no_extra)).expect("measures");
    let page = &pages[0];
    assert!((page.max_total - 200.0).abs() < 0.01, "{page:?}");
    assert!((page.max_total_media - 400.0).abs() < 0.01, "{page:?}");
    assert_eq!(page.cmyk, vec![[40.0, 30.0, 30.0, 100.0]]);
    assert_eq!(page.cmyk_outside, vec![[0.0, 100.0, 0.0, 0.0], [100.0, 100.0, 100.0, 100.0]]);
    assert_eq!(page.gray, vec![50.0]);
    assert!(page.rgb.is_empty() && page.unmeasured.is_empty(), "{page:?}");
}

#[test]
fn measures_forms_shadings_and_flags_rgb() {
    let content = "q 1 0 0 1 10 10 cm /X1 Do Q /Sh1 sh 0 1 0 RG 20 20 m 30 30 l S";
    let pdf = sample(content, |doc, _, resources| {
        let form_dict = Dictionary::from_iter([
            ("Type", Object::Name(b"XObject".to_vec())),
            ("Subtype", Object::Name(b"Form".to_vec())),
            ("BBox", Object::Array(vec![0.into(), 0.into(), 100.into(), 100.into()])),
        ]);
        let form = doc.add_object(Stream::new(form_dict, b"0 0 1 0.5 k 10 10 20 20 re f".to_vec()));
        let function = Dictionary::from_iter([
            ("FunctionType", Object::Integer(2)),
            ("Domain", Object::Array(vec![0.into(), 1.into()])),
            ("C0", Object::Array(vec![0.into(), 0.into(), 0.into(), 0.into()])),
            ("C1", Object::Array(vec![Object::Real(0.5), 1.into(), 1.into(), Object::Real(0.5)])),
            ("N", Object::Integer(1)),
        ]);
        let shading = Dictionary::from_iter([
            ("ShadingType", Object::Integer(2)),
            ("ColorSpace", Object::Name(b"DeviceCMYK".to_vec())),
            ("Coords", Object::Array(vec![0.into(), 0.into(), 1.into(), 0.into()])),
            ("Function", Object::Dictionary(function)),
        ]);
        let shading = doc.add_object(shading);
        resources
            .set("XObject", Object::Dictionary(Dictionary::from_iter([("X1", Object::Reference(form))])));
        resources
            .set("Shading", Object::Dictionary(Dictionary::from_iter([("Sh1", Object::Reference(shading))])));
    });
    let page = &ink_coverage(&pdf).expect("measures")[0];
    assert!((page.max_total - 300.0).abs() < 0.01, "{page:?}");
    assert_eq!(page.cmyk, vec![[0.0; 4], [0.0, 0.0, 100.0, 50.0], [50.0, 100.0, 100.0, 50.0]]);
    assert_eq!(page.rgb.len(), 1, "{page:?}");
}

#[test]
fn converts_pdf_dates() {
    assert_eq!(xmp_date(b"D:20230101000000Z").ok().as_deref(), Some("2023-01-01T00:00:00Z"));
    assert_eq!(xmp_date(b"D:20230102030405+01'00'").ok().as_deref(), Some("2023-01-02T03:04:05+01:00"));
    assert_eq!(xmp_date(b"D:2023").ok().as_deref(), Some("2023-01-01T00:00:00Z"));
    assert_eq!(xmp_date(b"D:20230102030405-05'30").ok().as_deref(), Some("2023-01-02T03:04:05-05:30"));
    assert!(xmp_date(b"yesterday").is_err());
}

#[test]
fn edits_xmp_properties_in_either_form() {
    let xmp = "<x><rdf:RDF xmlns:rdf=\"r\"><rdf:Description rdf:about=\"\" xmlns:p=\"http://ns.adobe.com/pdf/1.3/\" p:Trapped=\"True\"><p:Producer>T</p:Producer></rdf:Description></rdf:RDF></x>";
    let out = remove_xmp_property(xmp, "pdf", "Trapped");
    assert!(!out.contains("Trapped") && out.contains("<p:Producer>T</p:Producer>"), "{out}");
    assert_eq!(xmp_property(xmp, "pdf", "Producer").as_deref(), Some("T"));
    let emptied = remove_xmp_property(&out, "pdf", "Producer");
    assert!(!remove_empty_descriptions(&emptied).contains("rdf:Description"));
}
