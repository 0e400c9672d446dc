//! A new city's folder (`cityreport new`): `city.toml` and the default language's text with
//! every field and the sections of a report, each still to be written marked `TODO:`; and the
//! warnings `check` gives for each mark left.

use std::path::{Path, PathBuf};

use crate::data::{FiguresMatter, FrontMatter, QuoteMatter, is_slug};
use crate::diagnostics::{Diagnostic, Diagnostics};

pub use crate::data::todo::PLACEHOLDER;

/// What a new city is made from.
pub struct NewCity<'a> {
    /// The new city's slug (its folder's name).
    pub slug: &'a str,
    /// The city's name in the default language.
    pub name: &'a str,
    /// Its country, if given (else a `TODO:`).
    pub country: Option<&'a str>,
    /// The site's default language (the text file's name and the names' key).
    pub lang: &'a str,
    /// The year the report is written (and updated).
    pub year: i32,
}

/// Writes `data/cities/<slug>/` under `root` and returns the files written. Refuses a slug
/// that is not one or a city that exists; writes nothing then.
pub fn create(root: &Path, city: &NewCity) -> Result<Vec<PathBuf>, Diagnostics> {
    let dir = root.join("data").join("cities").join(city.slug);
    let shown = format!("data/cities/{}", city.slug);
    if !is_slug(city.slug) {
        return Err(Diagnostic::file(&shown, format!("`{}` is not a slug", city.slug))
            .hint("a slug is lower-case letters, digits and inner hyphens, e.g. `la-coruna`; `--name` holds the city's name as it is written")
            .into());
    }
    if city.name.trim().is_empty() {
        return Err(Diagnostic::file(&shown, "the city needs a name: --name \"…\"").into());
    }
    // `create_dir` fails if the folder exists, even when another process made it just now.
    if let Err(e) = std::fs::create_dir(&dir) {
        let message = if e.kind() == std::io::ErrorKind::AlreadyExists {
            format!("the city `{}` exists already; nothing was written", city.slug)
        } else {
            format!("cannot make the folder: {e}")
        };
        return Err(Diagnostic::file(&shown, message).into());
    }
    let files = [("city.toml".to_string(), facts(city)), (format!("{}.md", city.lang), text(city))];
    let mut written = Vec::new();
    for (file, contents) in files {
        let path = dir.join(&file);
        if let Err(e) = crate::data::write_atomic(&path, contents.as_bytes()) {
            return Err(
                Diagnostic::file(format!("{shown}/{file}"), format!("cannot write the file: {e:#}")).into()
            );
        }
        written.push(path);
    }
    Ok(written)
}

/// A TOML string holding `s`.
fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn facts(city: &NewCity) -> String {
    let NewCity { name, lang, year, .. } = city;
    let country = quoted(city.country.unwrap_or("TODO: the country"));
    format!(
        r#"# {name}: the facts that do not depend on the language. Text still to be written starts
# with TODO and a colon: `cityreport check` warns about each one that is left.

# The names in each language of the site; a language without one uses the {lang} name.
name = {{ {lang} = {name_q} }}
country = {{ {lang} = {country} }}
population = 0                 # TODO: the number of inhabitants (digits only)
# population_year = {year}     # the year of that number, if it is not the report's
report_year = {year}             # the year the report was written
update_year = {year}             # the year of its "What is new" section (leave out with no update)

# The networks the city belongs to, shown in the key-figures box, e.g.
# networks = ["Solidarity Cities", "Eurocities"]
networks = []

[mayor]
name = "TODO: the mayor's name"
party = {{ {lang} = "TODO: the mayor's party" }}

# A photo on the cover, if the city has one: a file in this folder (or in data/images/), what
# it shows for readers who cannot see it (`alt`, per language or one for all), e.g.
# [cover]
# image = "cover.jpg"
# alt = {{ {lang} = "The old town seen from the river at dusk" }}
#
# Every picture (the cover's and each `![…](file)` of the texts) needs its credit line,
# photographer or source and licence, or `decorative = true` for an ornament that says nothing:
# [images."cover.jpg"]
# credit = "Photo: Jane Doe, CC BY 4.0"
"#,
        name_q = quoted(name),
    )
}

fn text(city: &NewCity) -> String {
    let name = city.name;
    let front = FrontMatter {
        tagline: Some(format!("TODO: what {name} does for migrants, in one line")),
        takeaways: Some(vec!["TODO: the first key takeaway".into(), "TODO: the second key takeaway".into()]),
        quote: Some(QuoteMatter {
            text: "TODO: a sentence the mayor said or wrote about migration".into(),
            attribution: format!("TODO: the mayor's name, Mayor of {name}"),
        }),
        figures: Some(FiguresMatter { location: Some(format!("TODO: where {name} is, in one sentence")) }),
        ..FrontMatter::default()
    };
    let front = front.to_toml(|key| match key {
        "tagline" => Some("The line under the city's name on the cover."),
        "takeaways" => {
            Some("Two to five key takeaways, one or two sentences each (the numbered yellow boxes).")
        }
        "quote" => Some("The mayor's pull quote."),
        "figures" => Some("Rows of the key-figures box (population and mayor come from city.toml)."),
        _ => None,
    });
    front
        + &format!(
            r#"
# Abstract and Takeaways {{#abstract}}

### What is unique about the city?

TODO: one paragraph. A bold start works well: **Like this:** and then the sentence.

### What is the focus of local migration policies?

TODO: one paragraph.

### What are the key factors?

TODO: one paragraph.

### What are the most outstanding results so far?

TODO: one paragraph.

### Political activities and advocacy beyond the city level

TODO: one paragraph.

# Local background and context {{#background}}

*TODO: the lead, in italics: two or three sentences on the city and migration.*

TODO: the history, the numbers and the policies behind today's approach. Cite each source
with a footnote, like this.[^1]

TODO: a picture or a table where the text needs one, or delete this paragraph. A picture is a
line of its own, `![what it shows](arrivals.svg "Arrivals by year")`: the words in brackets are
read to those who cannot see it (say what a chart shows), the quoted caption prints under it,
and city.toml gives its credit. A table is a header row, a line of dashes, then the rows:
`| Year | Arrivals |`, `| --- | ---: |`, `| 2022 | 9,000 |`, each on a line of its own.

# Selected local approaches {{#approaches}}

*TODO: the lead: what the approaches have in common.*

## TODO: the first approach {{#approach-1}}

TODO: what it is, who runs it, what it achieved. Give each approach a short id of its own
in the braces above: translations refer to the section by it.

## TODO: the second approach {{#approach-2}}

TODO: as above.

# Advocacy and network activities {{#advocacy}}

TODO: the networks {name} belongs to and what it does in them (list them in city.toml's
`networks` too).

# {{#update}}

- TODO: what is new since the report was written, one item each.

[^1]: TODO: the source: author, title, year, and its address as <https://…>.
"#
        )
}
