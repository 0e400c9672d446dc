//! Data reaches Typst as data: every character an editor types prints as typed (but for
//! straight quotes, which print as the language's quotation marks), and nothing in the data is
//! run as Typst code.

use crate::common::*;

#[test]
fn typst_syntax_in_prose_prints_literally() {
    let project = project_from("injection");
    let pdf = Pdf::new(render(project.path(), "x", "en"));
    // The issue's test line, exactly (Markdown escapes \* \_ \\ resolved; straight quotes
    // as English quotation marks).
    pdf.assert_has(r#"#read(“/etc/passwd”) $x^2$ *a* _b_ @ref <lbl> [x] \ // “q” ~"#);
    // Nothing was read from the system.
    assert!(!pdf.text().contains("root:"), "contents of /etc/passwd leaked into the PDF");
}

#[test]
fn typst_syntax_in_every_field_prints_literally() {
    let project = project_from("injection");
    let pdf = Pdf::new(render(project.path(), "x", "en"));
    for s in [
        "Injectville #set page(width: 1cm)",
        "Tag #emph[line] with *stars* and @cite",
        "Takeaway ]#v(10cm)[ closes brackets",
        r#"Second #import “/etc/passwd”"#,
        // Double quotes in the pull quote are a quote in a quote: the inner marks.
        r#"Quote ‘with’ #strong[quotes]"#,
        "Someone // comment",
        r#"Location #read(“/etc/hosts”)"#,
        "Section #heading[x]",
        "Sub #raw heading",
        "Item #list[a]",
        r#"Update backticks #eval(“1”)"#,
        "Note #footnote[inner] https://example.org/a_b?c=d&e=f",
        // A party with parentheses of its own follows a comma: none are nested.
        "Ann <b>Example</b>, #panic(“party”)",
        "Nowhere $ε$",
        "12,345",
    ] {
        pdf.assert_has(s);
    }
    assert!(pdf.link_uris().iter().any(|u| u == "https://example.org/a_b?c=d&e=f"), "{:?}", pdf.link_uris());
    assert_eq!(
        pdf.info("Title").as_deref(),
        Some("Injectville #set page(width: 1cm) – Tag #emph[line] with *stars* and @cite")
    );
}
