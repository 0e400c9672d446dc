//! GitHub-flavoured Markdown tables: a header row, a delimiter row that may align each column,
//! then body rows. A table is built as its rows and cells close, and checked against the
//! limits of a report's page.

use std::ops::Range;

use pulldown_cmark::Alignment;

use super::convert::{Open, TopLevel, TreeBuilder};
use super::tree::{merge_text, trim_inlines};
use super::{Block, Inline, Table, plain_text};

/// The most rows and columns a table may have: a report's table is a page or two; more is a
/// pasted spreadsheet, and Typst's time grows with it.
pub const MAX_TABLE_ROWS: usize = 300;
/// See [`MAX_TABLE_ROWS`]: more columns than this cannot be read on an A4 page.
pub const MAX_TABLE_COLUMNS: usize = 10;

impl TreeBuilder<'_> {
    /// A closed table: a block where it stands.
    pub(super) fn close_table(
        &mut self,
        aligns: &[Alignment],
        header: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
        range: Range<usize>,
        stack: &mut [Open],
        out: &mut Vec<TopLevel>,
    ) {
        let table = self.table(aligns, header, rows, range.clone());
        self.push_block(stack, out, Block::Table(table), range)
    }

    /// The table of a closed table: its columns' alignment, every row as wide as the
    /// header, and within the limits.
    fn table(
        &mut self,
        aligns: &[Alignment],
        header: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
        span: Range<usize>,
    ) -> Table {
        if header.len() > MAX_TABLE_COLUMNS {
            self.errors.push(
                self.src
                    .error(
                        span.clone(),
                        format!(
                            "the table has {} columns; a table may have at most {MAX_TABLE_COLUMNS}",
                            header.len()
                        ),
                    )
                    .hint("split it into two tables, or turn it around: a column per row"),
            );
        }
        if rows.len() > MAX_TABLE_ROWS {
            self.errors.push(self.src.error(span.clone(), format!("the table has {} rows; a table may have at most {MAX_TABLE_ROWS}", rows.len()))
                .hint("a report's table is a page or two: keep the rows the text needs and link to the rest"));
        }
        if header.iter().all(|c| plain_text(c).trim().is_empty()) {
            self.errors.push(
                self.src.error(span.clone(), "the table's header row is empty").hint(
                    "name each column in the first row: a screen reader reads the header with every cell",
                ),
            );
        }
        let align = aligns
            .iter()
            .enumerate()
            .map(|(column, a)| match a {
                Alignment::Left => "left",
                Alignment::Center => "center",
                Alignment::Right => "right",
                Alignment::None if numeric_column(&rows, column) => "right",
                Alignment::None => "left",
            })
            .collect();
        let width = header.len();
        let rows = rows
            .into_iter()
            .map(|mut row| {
                row.resize(width, Vec::new());
                row
            })
            .collect();
        Table { align, header, rows, span }
    }
}

/// A closed row, into the table it is in: the first is the header, the others its body.
pub(super) fn close_row(cells: Vec<Vec<Inline>>, stack: &mut [Open]) {
    match stack.last_mut() {
        Some(Open::Table { header, .. }) if header.is_empty() => *header = cells,
        Some(Open::Table { rows, .. }) => rows.push(cells),
        _ => {}
    }
}

/// A closed cell, into the row it is in.
pub(super) fn close_cell(content: Vec<Inline>, stack: &mut [Open]) {
    if let Some(Open::Row(cells)) = stack.last_mut() {
        cells.push(trim_inlines(merge_text(content)));
    }
}

/// Whether every non-empty cell of `column` in `rows` is a number: digits with the
/// separators, signs, units and footnote markers numbers are written with (`1,398,765`,
/// `12 %`, `−3.5`, `€ 2.4 m`, `2019[^3]`).
fn numeric_column(rows: &[Vec<Vec<Inline>>], column: usize) -> bool {
    let mut cells = rows
        .iter()
        .filter_map(|row| row.get(column))
        .map(|c| plain_text(c))
        .filter(|t| !t.trim().is_empty())
        .peekable();
    cells.peek().is_some()
        && cells.all(|t| {
            // Tokens of number characters, and short unit words (`2.4 m`, `0,3 mln €`, `12 km`).
            let number = |w: &str| w.chars().all(|c| c.is_ascii_digit() || " .,'’%+-−–~€$£×".contains(c));
            let unit = |w: &str| {
                w.trim_end_matches('.').chars().count() <= 3
                    && w.trim_end_matches('.').chars().all(char::is_alphabetic)
            };
            t.chars().any(|c| c.is_ascii_digit()) && t.split_whitespace().all(|w| number(w) || unit(w))
        })
}
