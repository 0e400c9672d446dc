//! The Markdown conversion's unit tests: what the entry points return and refuse.

use std::sync::Arc;

use super::*;

fn src(text: &str) -> Place {
    Place::from_offset("t.md", Arc::from(text), 0)
}

fn body(text: &str) -> Result<Vec<Section>, Diagnostics> {
    convert_body(&src(text), text, "fn:")
}

fn t(s: &str) -> Inline {
    Inline::Text { text: s.into() }
}

#[test]
fn long_runs_get_break_opportunities_and_links_stay_exact() {
    let word = "Donaudampfschifffahrtselektrizitätenhauptbetriebswerkbauunterbeamtengesellschaft";
    let hash = "3f9a1c0d5e7b2a4c6e8f0a1b3c5d7e9f1a2b4c6d8e0f";
    let s = body(&format!("# A {{#a}}\n\n{word} `{hash}` [{hash}](https://e.org/{hash}) {hash}\n")).unwrap();
    let Block::Paragraph { content } = &s[0].blocks[0] else { panic!() };
    // The tree holds the text as written: the report stage inserts the break opportunities.
    assert!(!format!("{content:?}").contains('\u{200B}'), "{content:?}");
    let mut content = content.clone();
    insert_break_points(&mut content);
    // A word is left whole: it hyphenates by its language's patterns.
    let Inline::Text { text } = &content[0] else { panic!("{content:?}") };
    assert_eq!(text, &format!("{word} "));
    let Inline::Code { text } = &content[1] else { panic!() };
    assert!(text.contains('\u{200B}'));
    let Inline::Link { url, content: shown } = &content[3] else { panic!("{content:?}") };
    assert_eq!(url, &format!("https://e.org/{hash}"));
    assert_eq!(shown, &vec![Inline::Text { text: hash.into() }]);
    let Inline::Text { text } = &content[4] else { panic!("{content:?}") };
    assert_eq!(text.replace('\u{200B}', ""), format!(" {hash}"));
    // Inserting them twice changes nothing.
    let twice = {
        let mut c = content.clone();
        insert_break_points(&mut c);
        c
    };
    assert_eq!(twice, content);
    // No run of a hash is longer than the limit; short words and spaced text are untouched.
    assert!(break_long_runs(hash).split('\u{200B}').all(|r| r.chars().count() <= LONGEST_RUN));
    assert_eq!(break_long_runs("a b-c/d"), "a b-c/d");
    assert_eq!(break_long_runs(word), word);
    assert!(!break_long_runs(&format!("{word} {word}")).contains(['\u{AD}', '\u{200B}']));
}

#[test]
fn only_web_and_mail_addresses_become_links() {
    for bad in [
        "file:///etc/passwd",
        "javascript:alert(1)",
        "ftp://x.org/a",
        "../other.md",
        "#top",
        "data:text/html,x",
    ] {
        let err = body(&format!("# A {{#a}}\n\n[x](<{bad}>) and <{bad}>\n")).unwrap_err();
        assert!(err.0[0].message.contains("is not a web or e-mail address"), "{bad}: {err}");
    }
    let ok = body("# A {#a}\n\n[a](https://e.org) [b](HTTP://E.ORG) <me@e.org> [c](mailto:me@e.org)\n");
    assert!(ok.is_ok(), "{}", ok.unwrap_err());
}

/// Found by reading alongside the fuzzing (fuzz/README.md, finding 2).
#[test]
fn an_id_used_three_times_names_its_first_place_each_time() {
    let err = body("# A {#a}\n\nx\n\n# B {#x}\n\n# C {#x}\n\n# D {#x}\n").unwrap_err();
    let messages: Vec<&str> = err.0.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(messages, ["the section id `x` is used twice (first on line 5)"; 2]);
}

#[test]
fn deep_nesting_is_refused_once() {
    let deep = format!("# A {{#a}}\n\n{}x\n", "> ".repeat(5000));
    let err = body(&deep).unwrap_err();
    assert_eq!(err.0.len(), 1, "{err}");
    assert!(err.0[0].message.contains("nested more than"));
    let lists =
        format!("# A {{#a}}\n\n{}", (0..40).map(|i| format!("{}- x\n", "  ".repeat(i))).collect::<String>());
    assert!(body(&lists).is_err());
}

#[test]
fn sections_subsections_lead_and_subheadings() {
    let s =
        body("# One {#one}\n\n*The lead.*\n\nText.\n\n### Sub\n\nMore.\n\n## Two {#two}\n\nBody.\n").unwrap();
    assert_eq!(s.len(), 2);
    assert_eq!((s[0].id.as_str(), s[0].level), ("one", 1));
    assert_eq!(s[0].title, vec![t("One")]);
    assert_eq!(s[0].lead, Some(vec![t("The lead.")]));
    assert_eq!(
        s[0].blocks,
        vec![
            Block::Paragraph { content: vec![t("Text.")] },
            Block::Heading { content: vec![t("Sub")] },
            Block::Paragraph { content: vec![t("More.")] },
        ]
    );
    assert_eq!((s[1].id.as_str(), s[1].level, s[1].lead.clone()), ("two", 2, None));
}

#[test]
fn italic_paragraph_later_in_a_section_is_not_a_lead() {
    let s = body("# One {#one}\n\nFirst.\n\n*Second.*\n").unwrap();
    assert_eq!(s[0].lead, None);
    assert_eq!(s[0].blocks.len(), 2);
}

#[test]
fn heading_with_only_an_id_has_an_empty_title() {
    let s = body("# {#update}\n\n- a\n- b\n").unwrap();
    assert_eq!(s[0].id, "update");
    assert!(s[0].title.is_empty());
    assert_eq!(
        s[0].blocks,
        vec![Block::List {
            ordered: false,
            items: vec![
                vec![Block::Paragraph { content: vec![t("a")] }],
                vec![Block::Paragraph { content: vec![t("b")] }],
            ],
        }]
    );
}

#[test]
fn footnotes_are_placed_at_first_citation_and_referenced_after() {
    let s = body(
        "# A {#a}\n\nx[^1] y[^2][^3] z[^1]\n\n[^1]: One <https://e.org/a_b>.\n[^2]: *Two*.\n[^3]: Three.\n",
    )
    .unwrap();
    let Block::Paragraph { content } = &s[0].blocks[0] else { panic!() };
    assert_eq!(content[0], t("x"));
    assert_eq!(
        content[1],
        Inline::Footnote {
            label: "fn:1".into(),
            again: true,
            key: String::new(),
            content: vec![
                t("One "),
                Inline::Link { url: "https://e.org/a_b".into(), content: vec![t("https://e.org/a_b")] },
                t("."),
            ],
        }
    );
    assert!(matches!(&content[3], Inline::Footnote { label, .. } if label == "fn:2"));
    assert!(matches!(&content[4], Inline::Footnote { label, .. } if label == "fn:3"));
    assert_eq!(content[6], Inline::FootnoteRef { label: "fn:1".into() });
}

#[test]
fn footnote_in_lead_stays_in_lead() {
    let s = body("# A {#a}\n\n*Lead text.[^1]*\n\n[^1]: Src.\n").unwrap();
    let lead = s[0].lead.as_ref().unwrap();
    assert!(matches!(&lead[1], Inline::Footnote { .. }));
}

#[test]
fn headings_need_words_and_no_footnote_and_keep_braces_that_are_no_id() {
    let errs = |md: &str| messages(body(&format!("# A {{#a}}\n\n{md}\n\n[^1]: Note.\n")));
    assert!(errs("###    ").iter().any(|m| m.contains("has no title")), "{:?}", errs("###    "));
    assert!(errs("## {#b}").iter().any(|m| m.contains("has no title")));
    assert!(errs("### &nbsp;&#x200B;").iter().any(|m| m.contains("has no title")));
    assert!(errs("## Title[^1] {#b}").iter().any(|m| m.contains("a footnote in a heading")));
    assert!(errs("### *Title[^1]*").iter().any(|m| m.contains("a footnote in a heading")));
    assert!(body("# {#update}\n\n- x\n").is_ok());
    let s = body("# A {#a}\n\n### What is {brace}\n\n### Set {a=b}\n").unwrap();
    assert_eq!(s[0].blocks[0], Block::Heading { content: vec![t("What is {brace}")] });
    assert_eq!(s[0].blocks[1], Block::Heading { content: vec![t("Set {a=b}")] });
    assert!(messages(body("# A {#a .x}\n")).iter().any(|m| m.contains("only an id")));
}

#[test]
fn a_link_markdown_cannot_read_is_an_error_not_literal_text() {
    for md in ["See [a](https://x.org/a b).", "See <https://x.org/a b>.", "[the plan](https://x.org/(a)."] {
        let errs = messages(body(&format!("# A {{#a}}\n\n{md}\n")));
        assert!(errs.iter().any(|m| m.contains("not a link Markdown can read")), "{md}: {errs:?}");
    }
    assert!(body("# A {#a}\n\nSee [a](https://x.org/a%20b), <https://x.org> and \\](.\n").is_ok());
}

#[test]
fn typst_and_markdown_specials_print_literally() {
    let md = "# A {#a}\n\n#read(\"/etc/passwd\") $x^2$ \\*a\\* \\_b\\_ @ref <lbl> [x] \\\\ // \"q\" ~\n";
    let s = body(md).unwrap();
    assert_eq!(
        s[0].blocks,
        vec![Block::Paragraph {
            content: vec![t("#read(\"/etc/passwd\") $x^2$ *a* _b_ @ref <lbl> [x] \\ // \"q\" ~")],
        }]
    );
}

#[test]
fn emphasis_strong_code_links() {
    let inl = convert_inline(&src("x"), "**B** *i* `c` [l](https://a.b) <me@x.org>").unwrap();
    assert_eq!(
        inl,
        vec![
            Inline::Strong { content: vec![t("B")] },
            t(" "),
            Inline::Emph { content: vec![t("i")] },
            t(" "),
            Inline::Code { text: "c".into() },
            t(" "),
            Inline::Link { url: "https://a.b".into(), content: vec![t("l")] },
            t(" "),
            Inline::Link { url: "mailto:me@x.org".into(), content: vec![t("me@x.org")] },
        ]
    );
}

fn messages(r: Result<Vec<Section>, Diagnostics>) -> Vec<String> {
    r.unwrap_err().0.iter().map(|d| d.to_string()).collect()
}

#[test]
fn undefined_and_unused_footnotes_are_located_errors() {
    let m = messages(body("# A {#a}\n\nx[^9]\n\n[^1]: unused\n"));
    assert_eq!(
        m,
        vec![
            "t.md:3:2: error: footnote `[^9]` is cited but not defined (hint: add a line `[^9]: source` at the end of the file)",
            "t.md:5:1: error: footnote `[^1]` is defined but never cited (hint: cite it with `[^1]` where it belongs, or delete the definition)",
        ]
    );
}

#[test]
fn missing_id_text_before_heading_and_code_are_errors() {
    let m = messages(body("Intro.\n\n# A\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n    code\n"));
    assert!(m[0].starts_with("t.md:1:1: error: text before the first section heading"), "{m:?}");
    assert!(m.iter().any(|x| x.starts_with("t.md:3:1: error: numbered heading without an id")), "{m:?}");
    assert!(!m.iter().any(|x| x.contains("a table is not supported")), "{m:?}");
    assert!(m.iter().any(|x| x.starts_with("t.md:9:") && x.contains("indented code block")), "{m:?}");
}

#[test]
fn tables_align_numbers_right_and_pad_short_rows() {
    let s = body("# A {#a}\n\n| Year | Arrivals | Note |\n| --- | --- | :-: |\n| 2015 | 2,000 | a |\n| 2022 | 9 000 |\n").unwrap();
    let Block::Table(table) = &s[0].blocks[0] else { panic!("{:?}", s[0].blocks) };
    assert_eq!(table.align, ["right", "right", "center"]);
    assert_eq!(table.header[1], vec![t("Arrivals")]);
    assert_eq!(table.rows.len(), 2);
    assert_eq!(table.rows[1].len(), 3, "a short row gets empty cells");
    let m = messages(body("# A {#a}\n\n| | |\n|---|---|\n| 1 | 2 |\n"));
    assert!(m.iter().any(|x| x.contains("the table's header row is empty")), "{m:?}");
    // Amounts with a short unit are numbers too; words are not.
    let s = body("# A {#a}\n\n| Spent | Who |\n| --- | --- |\n| € 0.3 m | city |\n| 1,6 mln € | state |\n")
        .unwrap();
    let Block::Table(table) = &s[0].blocks[0] else { panic!("{:?}", s[0].blocks) };
    assert_eq!(table.align, ["right", "left"]);
}

#[test]
fn a_picture_is_a_paragraph_of_its_own() {
    let s = body("# A {#a}\n\n![A *tram* at dusk](tram.jpg \"Tram 9\")\n").unwrap();
    let Block::Figure(f) = &s[0].blocks[0] else { panic!("{:?}", s[0].blocks) };
    assert_eq!((f.file.as_str(), f.alt.as_str()), ("tram.jpg", "A tram at dusk"));
    assert_eq!(f.caption, vec![t("Tram 9")]);
    assert_eq!(f.span.start, 10, "the picture is found at its `!`");
    for (text, says) in [
        ("Look: ![a tram](tram.jpg) here.", "inside a line of text"),
        ("- ![a tram](tram.jpg)", "a picture inside a line of text, a list"),
        ("> ![a tram](tram.jpg)", "inside a list, quote or footnote"),
        ("[![a tram](tram.jpg)](https://e.org)", "a picture inside a line of text, a list, a link"),
    ] {
        let m = messages(body(&format!("# A {{#a}}\n\n{text}\n")));
        assert!(m.iter().any(|x| x.starts_with("t.md:3:") && x.contains(says)), "{text}: {m:?}");
    }
}

#[test]
fn duplicate_ids_and_footnotes_are_errors() {
    let m = messages(body("# A {#a}\n\nx[^1]\n\n# B {#a}\n\n[^1]: one\n[^1]: two\n"));
    assert!(
        m.iter()
            .any(|x| x.starts_with("t.md:5:1: error: the section id `a` is used twice (first on line 1)")),
        "{m:?}"
    );
    assert!(m.iter().any(|x| x.contains("defined twice")), "{m:?}");
}

#[test]
fn errors_are_located_in_the_whole_file() {
    let text = "+++\nx = 1\n+++\n# A\n";
    let src = Place::from_offset("f.md", Arc::from(text), 14);
    let m = convert_body(&src, &text[14..], "").unwrap_err().to_string();
    assert!(m.starts_with("f.md:4:1:"), "{m}");
}
