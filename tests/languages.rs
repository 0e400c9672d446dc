//! Milan in every language of the site: localized chrome, translated text from the seeds,
//! locale number formats and quotation marks, fonts that cover Polish and Greek, the
//! fallback note exactly where a part fell back, and the PDF's language.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::common::*;

const LANGS: &[&str] = &["en", "de", "fr", "pl", "it", "es", "el"];

/// Every language's PDF, rendered once for this test binary by one `build`.
fn pdfs() -> &'static HashMap<&'static str, Pdf> {
    static PDFS: OnceLock<HashMap<&'static str, Pdf>> = OnceLock::new();
    PDFS.get_or_init(|| {
        let out = tempfile::tempdir().unwrap();
        must_succeed(&run(&repo(), &["build", "--city", "milan", "-o", out.path().to_str().unwrap()]));
        LANGS
            .iter()
            .map(|l| (*l, Pdf::new(std::fs::read(out.path().join(format!("milan-{l}.pdf"))).unwrap())))
            .collect()
    })
}

fn pdf(lang: &str) -> &'static Pdf {
    &pdfs()[lang]
}

#[test]
fn chrome_is_in_the_reports_language() {
    let chrome: &[(&str, &[&str])] = &[
        (
            "de",
            &[
                "Mailand",
                "STADTREPORT",
                "Report aus dem Jahr 2021, aktualisiert im Jahr 2023",
                "Inhalt",
                "WICHTIGSTE ERKENNTNISSE",
                "Zahlen und Fakten",
                "MITGLIED FOLGENDER NETZWERKE",
                "Update: Was ist neu im Jahr 2023?",
                "Seite 2 von",
            ],
        ),
        (
            "fr",
            &[
                "Milan",
                "RAPPORT SUR LA VILLE",
                "Rapport de 2021, mis à jour en 2023",
                "Sommaire",
                "PRINCIPAUX ENSEIGNEMENTS",
                "Chiffres clés",
                "MEMBRE DES RÉSEAUX SUIVANTS",
                "Mise à jour",
                "quoi de neuf en 2023",
                "Page 2 sur",
            ],
        ),
        (
            "pl",
            &[
                "Mediolan",
                "RAPORT O MIEŚCIE",
                "Raport z 2021 r., zaktualizowany w 2023 r.",
                "Spis treści",
                "KLUCZOWE WNIOSKI",
                "Najważniejsze dane",
                "CZŁONEK NASTĘPUJĄCYCH SIECI",
                "Aktualizacja: co nowego w 2023 r.?",
                "Strona 2 z",
            ],
        ),
        (
            "it",
            &[
                "Milano",
                "Rapporto del 2021, aggiornato nel 2023",
                "Indice",
                "PUNTI CHIAVE",
                "Dati principali",
                "Aggiornamento: cosa c’è di nuovo nel 2023?",
                "Pagina 2 di",
            ],
        ),
        (
            "es",
            &[
                "Milán",
                "Informe de 2021, actualizado en 2023",
                "Índice",
                "CONCLUSIONES CLAVE",
                "Cifras clave",
                "Actualización: ¿qué hay de nuevo en 2023?",
                "Página 2 de",
            ],
        ),
        (
            "el",
            &[
                "Μιλάνο",
                "Έκθεση του 2021, επικαιροποίηση 2023",
                "Περιεχόμενα",
                "ΒΑΣΙΚΑ ΣΥΜΠΕΡΑΣΜΑΤΑ",
                "ΠΛΗΘΥΣΜΟΣ",
                "Βασικά στοιχεία",
                "Ενημέρωση: Τι νέο υπάρχει το 2023\u{37e}",
                "Σελίδα 2 από",
            ],
        ),
    ];
    for (lang, strings) in chrome {
        for s in *strings {
            assert!(pdf(lang).has(s), "{lang}: the PDF lacks {s:?}\n{}", pdf(lang).text());
        }
    }
}

#[test]
fn translated_text_comes_from_the_seeds() {
    let texts: &[(&str, &[&str])] = &[
        (
            "de",
            &[
                "Ein Hotspot der Migration entwickelt langfristige Lösungen.",
                "Mailand ist ein Beispiel für die komplexe und vielschichtige Zusammenarbeit von Behörden und Zivilgesellschaft im Bereich der Inklusionspolitik.",
                "Was ist das Besondere an Mailand?",
                "Wo liegt der Schwerpunkt der lokalen Migrationspolitik?",
                "Eine linke Verwaltung trifft auf bürgerschaftliches Engagement:",
                "Giuseppe Sala, Bürgermeister von Mailand",
            ],
        ),
        (
            "fr",
            &[
                "Un « hot spot » migratoire qui développe des solutions à long terme.",
                "Des réactions d’urgence aux solutions à long terme :",
                "Qu’est-ce que la ville a d’unique ?",
            ],
        ),
        (
            "pl",
            &[
                "Hot spot migracyjny, opracowujący długoterminowe rozwiązania",
                "Mediolan jest przykładem złożonej i wieloaspektowej współpracy między władzami publicznymi a społeczeństwem obywatelskim w zakresie polityki integracji.",
                "Co czyni miasto wyjątkowym?",
                "Giuseppe Sala, burmistrz Mediolanu",
                // Section 3.3 from the "inspiring practice" page.
                "Łączenie rodzin, integracja społeczna i edukacja",
                "Przez ostatnie kilka lat, ponowne zjednoczenie rodzin stało się najważniejszym legalnym kanałem dla długoterminowej migracji do Mediolanu.",
                "W 2020 r. gmina Mediolan otworzyła WeMi",
            ],
        ),
    ];
    for (lang, strings) in texts {
        for s in *strings {
            assert!(pdf(lang).has(s), "{lang}: the PDF lacks {s:?}");
        }
    }
    // The Polish seed's unreadable tail stayed out.
    assert!(!pdf("pl").text().contains('\u{fffd}'));
    assert!(!pdf("pl").has("Włochy – kontekst polityczny"));
}

#[test]
fn quotation_marks_follow_the_language() {
    assert!(pdf("de").has("„Mailand ist eine Gemeinschaft des Friedens"), "{}", pdf("de").text());
    assert!(pdf("de").has("oberste Priorität hat.“"));
    assert!(pdf("pl").has("„Mediolan jest wspólnotą pokoju"));
    // French: guillemets with a space inside (Typst sets U+202F; the extraction may show it
    // as plain spaces, but never as nothing).
    let fr = pdf("fr").text();
    let at = fr.find("Milan est une communauté").expect("fr: no quote");
    let before = fr[..at].trim_end();
    assert!(before.ends_with('«') && before.len() < at, "fr: {:?}", &fr[at - 10..at]);
    assert!(pdf("en").has("“Milan is a community of peace"));
}

#[test]
fn population_is_formatted_per_locale() {
    for (lang, population) in [
        ("en", "1,398,765"),
        ("de", "1.398.765"),
        ("fr", "1\u{202f}398\u{202f}765"),
        ("pl", "1\u{a0}398\u{a0}765"),
        ("it", "1.398.765"),
        ("es", "1.398.765"),
        ("el", "1.398.765"),
    ] {
        assert!(pdf(lang).text().contains(population), "{lang}: no {population:?}");
    }
}

#[test]
fn polish_diacritics_and_greek_letters_survive() {
    let pl = pdf("pl").text();
    for c in "ąćęłńóśźżŁ".chars() {
        assert!(pl.contains(c), "pl: {c} is missing");
    }
    let el = pdf("el").text();
    for s in [
        "Μιλάνο",
        "Περιεχόμενα",
        "Βασικά στοιχεία",
        "Έκθεση του 2021",
        "ΑΓΓΛΙΚΑ",
        "Δεν έχουν μεταφραστεί ακόμη: τα μέρη με αυτή την ένδειξη είναι στα αγγλικά.",
    ] {
        assert!(el.contains(s) || contains_loose(&el, s), "el: {s} is missing");
    }
    assert!(pdf("de").text().contains("Bürgermeister"));
}

#[test]
fn every_font_is_embedded_in_every_language() {
    for lang in LANGS {
        let fonts = pdf(lang).fonts();
        assert!(!fonts.is_empty());
        for (name, embedded) in fonts {
            assert!(embedded, "{lang}: {name} is not embedded");
        }
    }
}

/// Parts shown in the default language carry a mark, the default language's name in capitals:
/// in the text once per fallback part (not on a sub-section right after another fallback part,
/// nor on the cover), in the contents beside each fallback section, and the contents says once
/// what it means.
#[test]
fn fallback_marks_stand_exactly_where_parts_fell_back() {
    // (language, mark, notice, marks in the text, marked contents entries)
    for (lang, mark, notice, text, entries) in [
        ("en", "ENGLISH", "Not yet translated", 0, 0),
        // location, the mayor's party (given in English only), 2, 3 (3.1–3.4 follow it), 4, 5;
        // in the contents 2, 3, 3.1–3.4, 4, 5
        ("de", "ENGLISCH", "Noch nicht übersetzt", 6, 8),
        ("fr", "ANGLAIS", "Pas encore traduit", 6, 8),
        // location, the party, 2, 3 (3.1, 3.2 follow it), 3.4 after the Polish 3.3, 4, 5; in the
        // contents 2, 3, 3.1, 3.2, 3.4, 4, 5
        ("pl", "PO ANGIELSKU", "Jeszcze nieprzetłumaczone", 7, 7),
        // 1–5 (the takeaways, quote and location are in section 1, which is marked; the tagline
        // is on the cover); in the contents 1–5 and 3.1–3.4
        ("it", "INGLESE", "Non ancora tradotto", 5, 9),
        ("es", "INGLÉS", "Aún sin traducir", 5, 9),
        ("el", "ΑΓΓΛΙΚΑ", "Δεν έχουν μεταφραστεί ακόμη", 5, 9),
    ] {
        let pdf = pdf(lang);
        let squash = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
        let (cover, contents) = (squash(&pdf.pages[0]), squash(&pdf.pages[1]));
        let body = squash(&pdf.pages[2..].join("\n"));
        assert!(!cover.contains(mark) && !cover.contains(notice), "{lang}: a mark on the cover: {cover}");
        assert_eq!(body.matches(mark).count(), text, "{lang}: marks in the text");
        let notices = contents.matches(notice).count();
        assert_eq!(notices, usize::from(entries > 0), "{lang}: the notice on the contents page: {contents}");
        assert_eq!(
            contents.matches(mark).count(),
            entries + notices,
            "{lang}: marks in the contents: {contents}"
        );
    }
    // The mark on 3.4 in Polish sits on the page of 3.4's heading.
    let pl = pdf("pl");
    let heading = pl.pages_with("3.4 Creating complementary services");
    assert!(heading.iter().any(|p| *p > 1 && contains_loose(&pl.pages[*p], "PO ANGIELSKU")));
}

#[test]
fn pdf_language_and_title_are_the_reports() {
    for (lang, tag, title) in [
        ("en", "en-GB", "Milan – A migration hot spot developing long-term solutions"),
        ("de", "de-DE", "Mailand – Ein Hotspot der Migration entwickelt langfristige Lösungen."),
        ("fr", "fr-FR", "Milan – Un « hot spot » migratoire qui développe des solutions à long terme."),
        ("pl", "pl-PL", "Mediolan – Hot spot migracyjny, opracowujący długoterminowe rozwiązania"),
        ("it", "it-IT", "Milano – A migration hot spot developing long-term solutions"),
        ("el", "el-GR", "Μιλάνο – A migration hot spot developing long-term solutions"),
    ] {
        assert_eq!(pdf(lang).lang().as_deref(), Some(tag), "{lang}");
        assert_eq!(pdf(lang).info("Title").as_deref(), Some(title), "{lang}");
    }
}

#[test]
fn fallback_text_is_tagged_with_its_own_language() {
    // The German report's English sections carry /Lang (en-GB) in the structure tree, so a
    // screen reader switches voices.
    let de = pdf("de");
    let mut langs: Vec<String> = Vec::new();
    for (_, obj) in de.doc.objects.iter() {
        if let Ok(dict) = obj.as_dict()
            && let Ok(l) = dict.get(b"Lang").and_then(|l| l.as_str())
        {
            langs.push(String::from_utf8_lossy(l).into_owned());
        }
    }
    assert!(langs.iter().any(|l| l == "en-GB"), "{langs:?}");
    assert!(langs.iter().any(|l| l == "de-DE"), "{langs:?}");
}

#[test]
fn a_city_with_only_english_gets_every_language_all_marked() {
    let project = project_from("tiny");
    std::fs::remove_file(project.path().join("data/cities/tiny/de.md")).unwrap();
    let out = project.path().join("out");
    let o = run(project.path(), &["build", "-o", out.to_str().unwrap()]);
    must_succeed(&o);
    let stdout = String::from_utf8_lossy(&o.stdout);
    for lang in LANGS {
        let pdf = Pdf::new(std::fs::read(out.join(format!("tiny-{lang}.pdf"))).unwrap());
        if *lang != "en" {
            pdf.assert_has("First takeaway.");
            assert!(stdout.contains(&format!("tiny-{lang}.pdf")), "{stdout}");
        }
    }
    assert!(
        stdout
            .contains("0 of 8 parts translated; from en: tagline, takeaways, quote, location, 1, 2, 2.1, 3"),
        "{stdout}"
    );
    let de = Pdf::new(std::fs::read(out.join("tiny-de.pdf")).unwrap());
    let marks = de.pages[2..].join(" ").matches("ENGLISCH").count();
    // 1, 2 (2.1 follows it), 3: the takeaways, quote and location are in section 1, whose mark
    // says it; the tagline is on the cover, which the contents page's notice covers
    assert_eq!(marks, 3);
    assert!(de.pages[1].contains("Noch nicht übersetzt"), "{}", de.pages[1]);
    de.assert_has("Kleinstadt");
}

#[test]
fn coverage_is_reported_per_city_and_language() {
    let o = run(&repo(), &["check"]);
    must_succeed(&o);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains(
            "milan de: 4 of 13 parts translated; from en: location, 2, 3, 3.1, 3.2, 3.3, 3.4, 4, 5"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("milan pl: 5 of 13 parts translated; from en: location, 2, 3, 3.1, 3.2, 3.4, 4, 5"),
        "{stderr}"
    );
}
