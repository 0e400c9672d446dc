//! Milan's English report, the model of every report: read back from the produced PDF.
//! The expected strings are typed from the source report (shared/seeds/003), not taken from
//! the data files, so a transcription slip fails here too.

use std::sync::OnceLock;

use crate::common::*;

fn pdf() -> &'static Pdf {
    static PDF: OnceLock<Pdf> = OnceLock::new();
    PDF.get_or_init(|| Pdf::new(render(&repo(), "milan", "en")))
}

const SECTIONS: &[&str] = &[
    "1. Abstract and Takeaways",
    "2. Local background and context",
    "3. Selected local approaches",
    "3.1 Milan’s reception approach",
    "3.2 Collaborative systems for an inclusive labour market",
    "3.3 Family reunification, social inclusion and education – an interdisciplinary approach",
    "3.4 Creating complementary services",
    "4. Advocacy and network activities",
    "5. Update: What is new in 2023?",
];

const SUBHEADINGS: &[&str] = &[
    "What is unique about the city?",
    "What is the focus of local migration policies?",
    "What are the key factors?",
    "What are the most outstanding results so far?",
    "Political activities and advocacy beyond the city level",
    "The Milan Model: From emergency approaches to long-term solutions",
    "The Advantages of Municipal Reception Centres",
    "A Service Centre for unaccompanied Minor Migrants",
    "Employment Mediation Centre (CeLav): Enabling Autonomy",
    "Mediterranean Network for Training Orientation to Regular migration (MeNTOR): Creating legal migration paths",
    "Administration and civil society working together",
    "A Help Centre for Adults in Need",
];

#[test]
fn every_section_and_subheading_is_printed() {
    let pdf = pdf();
    for s in SECTIONS {
        // The number and the title, as the heading prints them.
        let (num, title) = s.split_once(' ').unwrap();
        let num = num.trim_end_matches('.');
        pdf.assert_has(&format!("{num} {title}"));
    }
    for s in SUBHEADINGS {
        pdf.assert_has(s);
    }
}

#[test]
fn contents_lists_sections_and_subsections_with_page_numbers() {
    let pdf = pdf();
    let contents = &pdf.pages[1];
    assert!(contents_loose(contents, "Contents"), "{contents}");
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace() && *c != '.').collect::<String>();
    let squashed = squash(contents);
    let keys: Vec<(String, String)> = SECTIONS
        .iter()
        .map(|s| {
            let (num, title) = s.split_once(' ').unwrap();
            let num = num.trim_end_matches('.');
            (format!("{num} {title}"), squash(&format!("{num}{title}")))
        })
        .collect();
    // Each entry is "<num> <title> . . . <page>": the page number runs up to the next entry.
    let mut from = 0;
    for (i, (heading, key)) in keys.iter().enumerate() {
        let at = from
            + squashed[from..]
                .find(key.as_str())
                .unwrap_or_else(|| panic!("contents lack {heading:?}:\n{contents}"));
        let rest = &squashed[at + key.len()..];
        let end = keys
            .get(i + 1)
            .and_then(|(_, next)| rest.find(next.as_str()))
            .unwrap_or_else(|| rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len()));
        let page: usize = rest[..end]
            .parse()
            .unwrap_or_else(|_| panic!("no page number after {heading:?}: {:?}", &rest[..end]));
        let heading_pages = pdf.pages_with(heading);
        assert!(
            heading_pages.contains(&(page - 1)),
            "{heading:?} is listed on page {page} but printed on pages {:?}",
            heading_pages.iter().map(|p| p + 1).collect::<Vec<_>>()
        );
        from = at + key.len();
    }
}

fn contents_loose(text: &str, needle: &str) -> bool {
    contains_loose(text, needle)
}

#[test]
fn cover_key_figures_quote_and_takeaways() {
    let pdf = pdf();
    let cover = &pdf.pages[0];
    for s in [
        "Milan",
        "A migration hot spot developing long-term solutions",
        "Report from 2021, updated in 2023",
        "MOVING CITIES",
    ] {
        assert!(contains_loose(cover, s), "cover lacks {s:?}:\n{cover}");
    }
    for s in [
        "1,398,765",
        "Lombardy",
        "Giuseppe Sala (Green Europe)",
        "KEY TAKEAWAYS",
        "Milan demonstrates a complex and multifaceted collaboration between public authorities and civil society in inclusion policy.",
        "Integrated social services: The city is reorganising its social services around the concept of vulnerability and inclusion, to be addressed to its whole population.",
        "“Milan is a community of peace and tolerance, seeking to become a capital of freedom where the responsibility to welcome and include migrants is a top priority.”",
        "Giuseppe Sala, Mayor of Milan",
        "Key figures",
    ] {
        pdf.assert_has(s);
    }
    assert!(!pdf.has("1.398.765"), "the population must be formatted for English");
}

#[test]
fn lead_paragraphs_lists_and_update_items() {
    let pdf = pdf();
    for s in [
        // Leads.
        "The city of Milan has historically been a city of migration since the post-war economic boom in Italy.",
        "Over the last years, family reunification has become the most important legal channel for long-term migration to Milan.",
        // Networks list of section 4.
        "Later, Milan joined other types of networks such as:",
        "IOM’s “Equal(c)ity” project with other EU cities",
        "“City Initiative on Migrants with Irregular Status in Europe” (C-MISE)",
        "“Local Authorities Network for Migration and Development in the Mediterranean”",
        // Update items.
        "The number of unaccompanied refugee minors sheltered in Milan has almost doubled compared to previous years, with over 1,200 people.",
        "In June 2023, the Municipality of Milan announced that it would invest a significant proportion of its budget",
        "Milan’s mayors, in a joint statement by six Italian municipalities in April 2023",
        "In November 2022, ‘Hub 126’, a multi-purpose emergency centre, was established in Milan",
        // Mended extraction damage: joined paragraphs and words.
        "to host the growing presence of newcomers in the city.",
        "This passage has resulted in two advantages.",
        "one of the first formalised European city networks",
        // Closing note.
        "The Moving Cities project provides an in-depth research of progressive cities in Europe",
        "Read more about the project and how it is funded on the website: https://moving-cities.eu/about",
    ] {
        pdf.assert_has(s);
    }
}

/// One distinctive piece of each of the 31 footnotes, in order.
const FOOTNOTES: &[&str] = &[
    "Bini, V., Gambazza, G. (2019) ‘The reception of asylum seekers in urban areas: the case of the city of Milan’, Belgeo - Revue belge de géographie, 1:2019.",
    "In 2017, Sammartini Hub was shut down and converted into a CAS (Centro di Accoglienza Straordinario - Extraordinary Reception Center). http://www.vita.it/it/article/2017/05/10/hub-sammartini-addio-ora-e-un-centro-daccoglienza-per-rifugiati/143311/",
    "Bini, V., Gambazza, G. (2019)",
    "https://www.ilsole24ore.com/art/migranti-troppe-gestioni-senza-gara-criticita-centri-accoglienza-straordinaria--AE5qwa6E?refresh_ce=1",
    "https://www.openpolis.it/rassegnastampa/i-posti-persi-nel-laccoglienza-dei-richiedenti-asilo/",
    "http://www.prefettura.it/FILES/AllegatiPag/1142/Rapporto_annuale_Buone_Pratiche_di_Accoglienza_Italia_31_maggio_2017.pdf",
    "https://www.comune.milano.it/-/politiche-sociali.-il-comune-chiede-di-proseguire-l-accoglienza-sprar",
    "https://www.comune.milano.it/servizi/minori-stranieri-non-accompagnati-msna",
    "https://www.comune.milano.it/comune/palazzo-marino/garanti-comitati-e-delegati/garante-dei-diritti-per-l-infanzia-e-l-adolescenza",
    "https://www.comune.milano.it/documents/20126/118335452/Brochure+Centro+Servizi+per+Minori+-+febbraio+2021.pdf/69eb9222-d914-1d18-6020-289244264658?t=1612772655555",
    "https://www.comune.milano.it/servizi/centro-mediazione-al-lavoro/",
    "About Milan and Migration, see Eurocities: https://eurocities.eu/",
    "https://www.ismu.org/progetto-mediazione-al-lavoro-celav/",
    "http://www.prefettura.it/milano/contenuti/Immigrazione-13310.htm",
    "https://www.lab-impact.it/Home/About",
    "https://wemi.comune.milano.it/",
    "https://www.comune.milano.it/web/milanoaiuta",
    "https://en.emergency.it/projects/a-service-delivering-essential-items-to-vulnerable-people/",
    "https://www.blitzquotidiano.it/cronaca-italia/milano-sotto-stazione-centrale-apre-il-centro-caritas-enelcuore-oasi-per-senza-tetto-con-docce-e-laboratori-3371928/",
    "https://solidaritycities.eu/",
    "https://www.thelocal.it/20181129/salvinis-anti-migrant-security-decree-becomes-law-in-italy/",
    "https://www.infomigrants.net/en/post/15242/milan-opens-registry-for-asylum-seekers-excluded-by-new-law",
    "https://migrationnetwork.un.org/sites/default/files/docs/city_of_milan_submission_to_the_ece_regional_review.pdf",
    "https://ec.europa.eu/info/eu-regional-and-urban-development/topics/cities-and-urban-development/priority-themes-eu-cities/inclusion-migrants-and-refugees-cities_en",
    "https://www.unhcr.org/withrefugees/cities/",
    "https://www.mayorsmigrationcouncil.org/",
    "https://www.milanotoday.it/attualita/investimento-progetti-accoglienza-migranti.html",
    "https://www.milanotoday.it/attualita/investimento-progetti-accoglienza-migranti.html",
    "https://www.ilgiorno.it/milano/cronaca/migranti-rotta-su-milano-la-lotteria-dei-documenti-dopo-il-caos-in-via-cagni-70a5dcb4",
    "https://www.openpolis.it/i-comuni-dove-vengono-offerti-piu-posti-nei-centri-di-accoglienza/",
    "https://www.comune.milano.it/-/welfare.-in-via-sammartini-126-il-nuovo-hub-di-pronto-intervento-per-le-emergenze",
];

#[test]
fn all_31_footnotes_are_printed_numbered_and_linked() {
    let pdf = pdf();
    let text = pdf.text();
    for (i, note) in FOOTNOTES.iter().enumerate() {
        let n = i + 1;
        // The entry starts with its number.
        assert!(
            contains_loose(&text, &format!("{n}{note}")) || contains_loose(&text, &format!("{n} {note}")),
            "footnote {n} ({note:?}) is missing or misnumbered"
        );
    }
    // Footnote 8 has two sources.
    pdf.assert_has("https://www.comune.milano.it/servizi/minori-stranieri-non-accompagnati-msna https://www.comune.milano.it/documents/20126/118335452/Brochure");
    // There is no footnote 32.
    let uris = pdf.link_uris();
    for note in FOOTNOTES {
        if let Some(url) = note.split_whitespace().find(|w| w.starts_with("http")) {
            assert!(uris.iter().any(|u| u == url), "no clickable link to {url}");
        }
    }
    // 29 and 30 are cited together.
    pdf.assert_has("in reception centres in Milan.29,30");
}

#[test]
fn footnotes_sit_on_the_page_that_cites_them() {
    let pdf = pdf();
    // (the citing text, the footnote's text)
    for (cited, note) in [
        (
            "a welcoming system that’s more open and efficient compared to the national situation.",
            "Bini, V., Gambazza, G. (2019)",
        ),
        ("excessive overcrowding, and irregularities with procurement procedures.", "refresh_ce=1"),
        ("hosting 2,398 guests (0.17% of the total population).", "i-posti-persi-nel-laccoglienza"),
        ("the City of Milan created the MSNA", "minori-stranieri-non-accompagnati-msna"),
        ("CeLav provides for approximately 2500 people per year.", "progetto-mediazione-al-lavoro-celav"),
        ("Milan joined in September 2020.", "inclusion-migrants-and-refugees-cities_en"),
        (
            "to accommodate this vulnerable target group from July 2023 to June 2026.",
            "investimento-progetti-accoglienza-migranti",
        ),
        ("to meet the needs of vulnerable populations.", "il-nuovo-hub-di-pronto-intervento"),
    ] {
        let cited_on = pdf.pages_with(cited);
        let note_on = pdf.pages_with(note);
        assert!(
            cited_on.iter().any(|p| note_on.contains(p)),
            "{cited:?} is on pages {cited_on:?} but its footnote {note:?} on {note_on:?}"
        );
    }
}

#[test]
fn page_count_fonts_and_metadata() {
    let pdf = pdf();
    let pages = pdf.doc.get_pages().len();
    assert!((10..=30).contains(&pages), "{pages} pages");
    assert_eq!(pages, pdf.pages.len());
    let fonts = pdf.fonts();
    assert!(!fonts.is_empty());
    for (name, embedded) in &fonts {
        assert!(embedded, "font {name} is not embedded");
    }
    for family in ["Rubik", "NotoSerif", "NotoSans"] {
        assert!(fonts.iter().any(|(n, _)| n.contains(family)), "{family} is not used: {fonts:?}");
    }
    assert_eq!(
        pdf.info("Title").as_deref(),
        Some("Milan – A migration hot spot developing long-term solutions")
    );
    assert_eq!(pdf.info("Author").as_deref(), Some("Moving Cities"));
    assert!(pdf.info("Keywords").is_some_and(|k| k.contains("migration") && k.contains("Milan")));
    assert_eq!(pdf.lang().as_deref(), Some("en-GB"));
}

#[test]
fn bookmarks_follow_the_contents() {
    let marks = pdf().bookmarks();
    let expected: Vec<String> = SECTIONS
        .iter()
        .map(|s| {
            let (num, title) = s.split_once(' ').unwrap();
            format!("{} {title}", num.trim_end_matches('.'))
        })
        .collect();
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace() && *c != '.').collect::<String>();
    assert_eq!(
        marks.iter().map(|m| squash(m)).collect::<Vec<_>>(),
        expected.iter().map(|m| squash(m)).collect::<Vec<_>>(),
        "bookmarks: {marks:?}"
    );
}

#[test]
fn two_renders_are_byte_identical() {
    let a = render(&repo(), "milan", "en");
    let b = render(&repo(), "milan", "en");
    assert!(a == b, "two renders of the same data differ");
    assert!(a == pdf().bytes, "renders differ between runs");
}

#[test]
fn source_date_epoch_sets_the_document_date() {
    let out = tempfile::tempdir().unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_cityreport"))
        .args([
            "--root",
            repo().to_str().unwrap(),
            "render",
            "milan",
            "--lang",
            "en",
            "-o",
            out.path().to_str().unwrap(),
        ])
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .unwrap();
    must_succeed(&o);
    let dated = Pdf::new(std::fs::read(out.path().join("milan-en.pdf")).unwrap());
    let date = dated.info("CreationDate").unwrap_or_default();
    assert!(date.starts_with("D:20231114"), "{date}");
    assert!(pdf().info("CreationDate").unwrap_or_default().starts_with("D:20230101"), "data date");
}
