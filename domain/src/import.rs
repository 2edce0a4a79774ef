//! Importing customers from a CRM export (issue 11): the wire types of the upload, the column
//! mapping, the preview and the progress, and the pure rules behind them — guessing a field
//! from a header, reading a cell as a class, a VIP flag or a date, and finding a key repeated
//! in the file. The server reads the file; every decision about a cell is made here.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::customer::CustomerClass;
use crate::customer_book::{CustomerFields, FieldProblem, FieldReason};

/// Rows of the preview shown as they would be stored.
pub const PREVIEW_ROWS: usize = 20;
/// Row errors listed in a preview; the count covers them all.
pub const LISTED_ERRORS: usize = 1000;

/// A field of [`CustomerFields`] a file column can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportField {
    ExternalId,
    Name,
    Contact,
    Class,
    Vip,
    Tags,
    Region,
    Products,
    PurchaseDate,
    Summary,
}

impl ImportField {
    pub const ALL: [ImportField; 10] = [
        ImportField::ExternalId,
        ImportField::Name,
        ImportField::Contact,
        ImportField::Class,
        ImportField::Vip,
        ImportField::Tags,
        ImportField::Region,
        ImportField::Products,
        ImportField::PurchaseDate,
        ImportField::Summary,
    ];

    /// Fields a mapping must fill: a customer has no default for them.
    pub const REQUIRED: [ImportField; 3] =
        [ImportField::Name, ImportField::Contact, ImportField::Class];

    /// The wire name, as [`CustomerFields`] and [`FieldProblem::field`] spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            ImportField::ExternalId => "external_id",
            ImportField::Name => "name",
            ImportField::Contact => "contact",
            ImportField::Class => "class",
            ImportField::Vip => "vip",
            ImportField::Tags => "tags",
            ImportField::Region => "region",
            ImportField::Products => "products",
            ImportField::PurchaseDate => "purchase_date",
            ImportField::Summary => "summary",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

/// Header names (compared lower-cased, without spaces, `_`, `-` or `*`) each field is
/// recognised by; the first column that matches takes the field.
const HEADER_NAMES: [(ImportField, &[&str]); 10] = [
    (
        ImportField::ExternalId,
        &[
            "外部编号",
            "客户编号",
            "客户id",
            "客户代码",
            "crm编号",
            "编号",
            "externalid",
            "customerid",
            "crmid",
            "id",
        ],
    ),
    (
        ImportField::Name,
        &[
            "姓名",
            "客户名称",
            "客户姓名",
            "名称",
            "客户",
            "name",
            "customername",
            "customer",
        ],
    ),
    (
        ImportField::Contact,
        &[
            "电话",
            "手机",
            "手机号",
            "手机号码",
            "联系电话",
            "电话号码",
            "联系方式",
            "contact",
            "phone",
            "mobile",
            "tel",
            "telephone",
        ],
    ),
    (
        ImportField::Class,
        &[
            "客户等级",
            "等级",
            "客户级别",
            "级别",
            "客户分类",
            "分类",
            "class",
            "level",
            "grade",
            "tier",
        ],
    ),
    (
        ImportField::Vip,
        &["vip", "是否vip", "vip客户", "贵宾", "isvip"],
    ),
    (ImportField::Tags, &["标签", "客户标签", "tags", "tag"]),
    (
        ImportField::Region,
        &[
            "区域",
            "地区",
            "所属区域",
            "所在地区",
            "region",
            "area",
            "district",
        ],
    ),
    (
        ImportField::Products,
        &["产品", "购买产品", "产品名称", "products", "product"],
    ),
    (
        ImportField::PurchaseDate,
        &[
            "购买日期",
            "购买时间",
            "购机日期",
            "purchasedate",
            "dateofpurchase",
        ],
    ),
    (
        ImportField::Summary,
        &[
            "备注", "摘要", "说明", "summary", "note", "notes", "remark", "remarks",
        ],
    ),
];

/// Words that give a header away when it is longer than a name above ("客户联系电话").
const HEADER_WORDS: [(ImportField, &[&str]); 4] = [
    (ImportField::Contact, &["电话", "手机", "phone", "mobile"]),
    (ImportField::PurchaseDate, &["购买日期", "purchasedate"]),
    (ImportField::Class, &["等级", "级别"]),
    (ImportField::Summary, &["备注"]),
];

fn header_key(header: &str) -> String {
    header
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '-' | '*'))
        .flat_map(char::to_lowercase)
        .collect()
}

fn named_field(key: &str) -> Option<ImportField> {
    HEADER_NAMES
        .iter()
        .find(|(_, names)| names.contains(&key))
        .map(|(field, _)| *field)
}

fn worded_field(key: &str) -> Option<ImportField> {
    HEADER_WORDS
        .iter()
        .find(|(_, words)| !key.is_empty() && words.iter().any(|w| key.contains(w)))
        .map(|(field, _)| *field)
}

/// The field a header names, if it names one.
pub fn guess_field(header: &str) -> Option<ImportField> {
    let key = header_key(header);
    named_field(&key).or_else(|| worded_field(&key))
}

/// A mapping guessed from the header row: each field on the first column that names it
/// exactly ("手机"), else on the first whose header holds a telling word ("备用电话").
pub fn guess_mapping(headers: &[String]) -> ImportMapping {
    let keys: Vec<String> = headers.iter().map(|h| header_key(h)).collect();
    let mut columns: Vec<Option<ImportField>> = vec![None; headers.len()];
    for guess in [named_field, worded_field] {
        for (i, key) in keys.iter().enumerate() {
            if columns[i].is_none() {
                columns[i] = guess(key).filter(|f| !columns.contains(&Some(*f)));
            }
        }
    }
    ImportMapping { columns }
}

/// Which field each file column fills, in the file's column order; `None`: ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportMapping {
    pub columns: Vec<Option<ImportField>>,
}

/// Why a mapping cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MappingProblem {
    #[error("the mapping has {got} columns, the file {want}")]
    ColumnCount { got: usize, want: usize },
    #[error("{} is mapped to more than one column", .0.as_str())]
    Twice(ImportField),
    #[error("{} is not mapped to a column", .0.as_str())]
    Unmapped(ImportField),
}

impl ImportMapping {
    /// The mapping can be applied to a file of `columns` columns.
    pub fn check(&self, columns: usize) -> Result<(), MappingProblem> {
        if self.columns.len() != columns {
            return Err(MappingProblem::ColumnCount {
                got: self.columns.len(),
                want: columns,
            });
        }
        for field in ImportField::ALL {
            let n = self.columns.iter().filter(|c| **c == Some(field)).count();
            if n > 1 {
                return Err(MappingProblem::Twice(field));
            }
            if n == 0 && ImportField::REQUIRED.contains(&field) {
                return Err(MappingProblem::Unmapped(field));
            }
        }
        Ok(())
    }

    pub fn column_of(&self, field: ImportField) -> Option<usize> {
        self.columns.iter().position(|c| *c == Some(field))
    }

    pub fn maps(&self, field: ImportField) -> bool {
        self.column_of(field).is_some()
    }
}

/// One cell as the file holds it: CSV cells are all text; a spreadsheet also has numbers,
/// flags and date-formatted cells.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    Date(NaiveDate),
}

impl Cell {
    /// The cell as text: a whole number without its `.0` (a phone number or an id a
    /// spreadsheet stored as a number).
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.trim().to_owned(),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Cell::Number(n) => n.to_string(),
            Cell::Bool(b) => b.to_string(),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
        }
    }

    fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

/// A class as CRMs write it: `A`–`D` (any case, with 类/级/类客户), or the names
/// DOMAIN.md gives the classes (核心/重要/一般/流失, core/important/general/lost).
pub fn parse_class(cell: &Cell) -> Result<CustomerClass, FieldReason> {
    let text = cell.text();
    if text.is_empty() {
        return Err(FieldReason::Missing);
    }
    let key = header_key(&text);
    let letter = key
        .strip_suffix("类客户")
        .or_else(|| key.strip_suffix("类"))
        .or_else(|| key.strip_suffix("级"))
        .unwrap_or(&key);
    let class = match letter {
        "a" | "核心" | "core" => CustomerClass::A,
        "b" | "重要" | "important" => CustomerClass::B,
        "c" | "一般" | "general" => CustomerClass::C,
        "d" | "流失" | "lost" => CustomerClass::D,
        _ => return Err(FieldReason::BadClass),
    };
    Ok(class)
}

/// A VIP flag: 是/否, Y/N, yes/no, 1/0, true/false (any case); empty is not VIP.
pub fn parse_vip(cell: &Cell) -> Result<bool, FieldReason> {
    match cell {
        Cell::Bool(b) => return Ok(*b),
        Cell::Number(n) if *n == 1.0 => return Ok(true),
        Cell::Number(n) if *n == 0.0 => return Ok(false),
        _ => {}
    }
    match header_key(&cell.text()).as_str() {
        "" | "否" | "n" | "no" | "0" | "false" | "非vip" => Ok(false),
        "是" | "y" | "yes" | "1" | "true" | "vip" => Ok(true),
        _ => Err(FieldReason::BadFlag),
    }
}

/// The day Excel's serial 0 falls on in the 1900 date system, as Excel counts it from serial
/// 61 on (it believes 1900 was a leap year, so earlier serials are a day off; no purchase
/// date is that old).
fn excel_epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1899, 12, 30).expect("a valid date")
}

/// A purchase date: `2026-03-01`, `2026/3/1`, `2026.3.1`, `2026年3月1日`, a date-formatted
/// spreadsheet cell, or an Excel serial day number (a spreadsheet number); empty is none.
pub fn parse_date(cell: &Cell) -> Result<Option<NaiveDate>, FieldReason> {
    match cell {
        Cell::Date(d) => return Ok(Some(*d)),
        Cell::Number(n) => {
            // 61 = 1900-03-01 … 2958465 = 9999-12-31, whole days only.
            if n.fract() != 0.0 || !(61.0..=2_958_465.0).contains(n) {
                return Err(FieldReason::BadDate);
            }
            return excel_epoch()
                .checked_add_days(Days::new(*n as u64))
                .map(Some)
                .ok_or(FieldReason::BadDate);
        }
        _ => {}
    }
    let text = cell.text();
    if text.is_empty() {
        return Ok(None);
    }
    let text = text.strip_suffix('日').unwrap_or(&text);
    let parts: Vec<&str> = text.split(['-', '/', '.', '年', '月']).collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(FieldReason::BadDate);
    };
    let number = |s: &str, len: std::ops::RangeInclusive<usize>| {
        (len.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    match (number(y, 4..=4), number(m, 1..=2), number(d, 1..=2)) {
        (Some(y), Some(m), Some(d)) => NaiveDate::from_ymd_opt(y as i32, m, d)
            .map(Some)
            .ok_or(FieldReason::BadDate),
        _ => Err(FieldReason::BadDate),
    }
}

/// Tags as one cell: separated by commas, semicolons, 、 or `|` (ASCII or full-width).
pub fn parse_tags(cell: &Cell) -> Vec<String> {
    cell.text()
        .split([',', '，', ';', '；', '、', '|'])
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .collect()
}

/// One refused cell of the file: the row as the spreadsheet numbers it (the header is row 1
/// of a file that starts with it), the column's header and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    pub row: u64,
    /// The column's position (0 first), and its header as the file spells it.
    pub column: usize,
    pub header: String,
    pub field: ImportField,
    pub reason: FieldReason,
    /// For a value repeated in the file: the row it first appeared on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_row: Option<u64>,
}

/// A file row read with a mapping: the customer it makes, or every cell refused.
pub fn read_row(
    mapping: &ImportMapping,
    headers: &[String],
    row: u64,
    cells: &[Cell],
) -> Result<CustomerFields, Vec<RowError>> {
    let empty = Cell::Empty;
    let cell = |field| {
        mapping
            .column_of(field)
            .map(|i| cells.get(i).unwrap_or(&empty))
    };
    let text = |field| cell(field).map(Cell::text).unwrap_or_default();
    let mut refused: Vec<(ImportField, FieldReason)> = Vec::new();
    let class = match cell(ImportField::Class).map(parse_class) {
        Some(Ok(class)) => class,
        Some(Err(reason)) => {
            refused.push((ImportField::Class, reason));
            CustomerClass::C
        }
        None => CustomerClass::C,
    };
    let vip = match cell(ImportField::Vip).map(parse_vip) {
        Some(Ok(vip)) => vip,
        Some(Err(reason)) => {
            refused.push((ImportField::Vip, reason));
            false
        }
        None => false,
    };
    let purchase_date = match cell(ImportField::PurchaseDate).map(parse_date) {
        Some(Ok(date)) => date,
        Some(Err(reason)) => {
            refused.push((ImportField::PurchaseDate, reason));
            None
        }
        None => None,
    };
    let fields = CustomerFields {
        external_id: Some(text(ImportField::ExternalId)),
        name: text(ImportField::Name),
        contact: text(ImportField::Contact),
        class,
        vip,
        tags: cell(ImportField::Tags).map(parse_tags).unwrap_or_default(),
        region: text(ImportField::Region),
        products: text(ImportField::Products),
        purchase_date,
        summary: text(ImportField::Summary),
    }
    .normalized();
    for FieldProblem { field, reason } in fields.problems() {
        if let Some(field) = ImportField::parse(&field) {
            refused.push((field, reason));
        }
    }
    if refused.is_empty() {
        return Ok(fields);
    }
    refused.sort_by_key(|(field, _)| mapping.column_of(*field));
    Err(refused
        .into_iter()
        .map(|(field, reason)| {
            let column = mapping.column_of(field).unwrap_or_default();
            RowError {
                row,
                column,
                header: headers.get(column).cloned().unwrap_or_default(),
                field,
                reason,
                first_row: None,
            }
        })
        .collect())
}

/// A row with no value in any column: skipped, as a spreadsheet shows a gap.
pub fn is_blank_row(cells: &[Cell]) -> bool {
    cells.iter().all(Cell::is_blank)
}

/// Finds a key (an external id, a contact) repeated in a file. Only a 128-bit digest of each
/// key and its first row are kept, so a file of a million rows costs ~40 MB at most; two
/// different keys would have to collide in two independent 64-bit hashes to be mistaken.
#[derive(Debug, Default)]
pub struct Repeats {
    seen: HashMap<u128, u64>,
}

impl Repeats {
    /// The row `key` first appeared on, if it did before; otherwise remembers it at `row`.
    pub fn first_row(&mut self, key: &str, row: u64) -> Option<u64> {
        let digest = |salt: u8| {
            let mut h = DefaultHasher::new();
            salt.hash(&mut h);
            key.hash(&mut h);
            h.finish()
        };
        let digest = (u128::from(digest(1)) << 64) | u128::from(digest(2));
        match self.seen.get(&digest) {
            Some(first) => Some(*first),
            None => {
                self.seen.insert(digest, row);
                None
            }
        }
    }
}

/// The keys an imported customer is found by: external id, else the whole contact. Both must
/// be unique in the file; a repeated one is refused at its later rows.
#[derive(Debug, Default)]
pub struct FileKeys {
    external_ids: Repeats,
    contacts: Repeats,
}

impl FileKeys {
    /// The errors of a (valid) row whose external id or contact an earlier row has.
    pub fn check(
        &mut self,
        mapping: &ImportMapping,
        headers: &[String],
        row: u64,
        fields: &CustomerFields,
    ) -> Vec<RowError> {
        let mut out = Vec::new();
        let mut repeated = |field: ImportField, first_row: Option<u64>| {
            if let (Some(first), Some(column)) = (first_row, mapping.column_of(field)) {
                out.push(RowError {
                    row,
                    column,
                    header: headers.get(column).cloned().unwrap_or_default(),
                    field,
                    reason: FieldReason::DuplicateInFile,
                    first_row: Some(first),
                });
            }
        };
        if let Some(id) = &fields.external_id {
            repeated(
                ImportField::ExternalId,
                self.external_ids.first_row(id, row),
            );
        }
        repeated(
            ImportField::Contact,
            self.contacts.first_row(&fields.contact, row),
        );
        out
    }
}

/// What an upload is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileFormat {
    Csv,
    Xlsx,
}

/// `POST /api/imports`: the file was stored and read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportUpload {
    pub id: Uuid,
    pub format: FileFormat,
    /// The text encoding a CSV was read in (`UTF-8`, `GB18030`); `None` for XLSX.
    pub encoding: Option<String>,
    pub headers: Vec<String>,
    /// Rows under the header, blank ones not counted.
    pub rows: u64,
    pub mapping: ImportMapping,
    /// The mapping is the one used last time a file with this header row was imported
    /// (else guessed from the header names).
    pub remembered: bool,
}

/// `POST /api/imports/{id}/preview` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreviewRequest {
    pub mapping: ImportMapping,
}

/// What committing would do with each row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowAction {
    Create,
    Update,
}

/// A row as it would be stored, its contact masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewRow {
    pub row: u64,
    pub action: RowAction,
    pub external_id: Option<String>,
    pub name: String,
    pub contact_masked: String,
    pub class: CustomerClass,
    pub vip: bool,
    pub tags: Vec<String>,
    pub region: String,
    pub products: String,
    pub purchase_date: Option<NaiveDate>,
    pub summary: String,
}

impl PreviewRow {
    pub fn new(row: u64, action: RowAction, f: &CustomerFields) -> Self {
        PreviewRow {
            row,
            action,
            external_id: f.external_id.clone(),
            name: f.name.clone(),
            contact_masked: crate::mask_contact(&f.contact),
            class: f.class,
            vip: f.vip,
            tags: f.tags.clone(),
            region: f.region.clone(),
            products: f.products.clone(),
            purchase_date: f.purchase_date,
            summary: f.summary.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportCounts {
    pub rows: u64,
    pub to_create: u64,
    pub to_update: u64,
    /// Rows with at least one error.
    pub with_errors: u64,
}

/// The answer of a preview: nothing is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub counts: ImportCounts,
    /// The first [`PREVIEW_ROWS`] rows that would be stored.
    pub rows: Vec<PreviewRow>,
    /// The first [`LISTED_ERRORS`] errors, in row order.
    pub errors: Vec<RowError>,
    /// Errors in all, listed or not.
    pub error_count: u64,
}

/// Where an import stands (`GET /api/imports/{id}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportState {
    /// Stored, waiting for a mapping.
    Uploaded,
    /// A preview is reading the rows.
    Validating,
    /// Previewed; committable when the preview had no errors.
    Previewed,
    Committing,
    Done,
    /// The commit failed; nothing was written.
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportStatus {
    pub id: Uuid,
    pub state: ImportState,
    /// Rows handled so far of `total`, while validating or committing.
    pub done: u64,
    pub total: u64,
    /// Once done: customers created and updated.
    pub created: u64,
    pub updated: u64,
    /// Why it failed.
    pub error: Option<String>,
}

#[cfg(test)]
mod tests;
