use super::*;

fn text(s: &str) -> Cell {
    Cell::Text(s.into())
}

#[test]
fn headers_in_chinese_and_english_name_their_fields() {
    use ImportField::*;
    let table: &[(&str, Option<ImportField>)] = &[
        ("姓名", Some(Name)),
        ("客户名称", Some(Name)),
        (" Name ", Some(Name)),
        ("电话", Some(Contact)),
        ("手机", Some(Contact)),
        ("联系方式", Some(Contact)),
        ("客户联系电话", Some(Contact)),
        ("Contact", Some(Contact)),
        ("客户等级", Some(Class)),
        ("class", Some(Class)),
        ("VIP", Some(Vip)),
        ("是否VIP", Some(Vip)),
        ("标签", Some(Tags)),
        ("tags", Some(Tags)),
        ("区域", Some(Region)),
        ("地区", Some(Region)),
        ("region", Some(Region)),
        ("产品", Some(Products)),
        ("products", Some(Products)),
        ("购买日期", Some(PurchaseDate)),
        ("purchase_date", Some(PurchaseDate)),
        ("Purchase Date", Some(PurchaseDate)),
        ("外部编号", Some(ExternalId)),
        ("客户编号", Some(ExternalId)),
        ("external_id", Some(ExternalId)),
        ("备注", Some(Summary)),
        ("summary", Some(Summary)),
        ("", None),
        ("邮编", None),
        ("客户经理", None),
    ];
    for (header, want) in table {
        assert_eq!(guess_field(header), *want, "{header:?}");
    }
}

#[test]
fn a_guessed_mapping_gives_each_field_its_first_column() {
    let headers: Vec<String> = [
        "客户编号",
        "备用电话",
        "姓名",
        "手机",
        "电话",
        "等级",
        "邮编",
    ]
    .map(String::from)
    .to_vec();
    use ImportField::*;
    assert_eq!(
        guess_mapping(&headers).columns,
        vec![
            Some(ExternalId),
            None,
            Some(Name),
            Some(Contact),
            None,
            Some(Class),
            None
        ]
    );
}

#[test]
fn a_mapping_fills_the_required_fields_once_each() {
    use ImportField::*;
    let m = |c: &[Option<ImportField>]| ImportMapping {
        columns: c.to_vec(),
    };
    let table: &[(ImportMapping, usize, Result<(), MappingProblem>)] = &[
        (
            m(&[Some(Name), Some(Contact), Some(Class), None]),
            4,
            Ok(()),
        ),
        (
            m(&[Some(Name), Some(Contact), Some(Class)]),
            4,
            Err(MappingProblem::ColumnCount { got: 3, want: 4 }),
        ),
        (
            m(&[Some(Name), Some(Name), Some(Contact), Some(Class)]),
            4,
            Err(MappingProblem::Twice(Name)),
        ),
        (
            m(&[Some(Name), Some(Contact), None]),
            3,
            Err(MappingProblem::Unmapped(Class)),
        ),
    ];
    for (mapping, columns, want) in table {
        assert_eq!(mapping.check(*columns), *want, "{mapping:?}");
    }
}

#[test]
fn classes_as_crms_write_them() {
    use CustomerClass::*;
    let table: &[(Cell, Result<CustomerClass, FieldReason>)] = &[
        (text("A"), Ok(A)),
        (text(" b "), Ok(B)),
        (text("C类"), Ok(C)),
        (text("D级"), Ok(D)),
        (text("A类客户"), Ok(A)),
        (text("核心"), Ok(A)),
        (text("important"), Ok(B)),
        (text("流失"), Ok(D)),
        (text(""), Err(FieldReason::Missing)),
        (Cell::Empty, Err(FieldReason::Missing)),
        (text("E"), Err(FieldReason::BadClass)),
        (text("AA"), Err(FieldReason::BadClass)),
        (Cell::Number(1.0), Err(FieldReason::BadClass)),
    ];
    for (cell, want) in table {
        assert_eq!(parse_class(cell), *want, "{cell:?}");
    }
}

#[test]
fn vip_flags_in_either_language() {
    let table: &[(Cell, Result<bool, FieldReason>)] = &[
        (text("是"), Ok(true)),
        (text("否"), Ok(false)),
        (text("Y"), Ok(true)),
        (text("n"), Ok(false)),
        (text("1"), Ok(true)),
        (text("0"), Ok(false)),
        (text("TRUE"), Ok(true)),
        (text("false"), Ok(false)),
        (text("yes"), Ok(true)),
        (text(""), Ok(false)),
        (Cell::Empty, Ok(false)),
        (Cell::Bool(true), Ok(true)),
        (Cell::Number(1.0), Ok(true)),
        (Cell::Number(0.0), Ok(false)),
        (Cell::Number(2.0), Err(FieldReason::BadFlag)),
        (text("maybe"), Err(FieldReason::BadFlag)),
        (text("是的吧"), Err(FieldReason::BadFlag)),
    ];
    for (cell, want) in table {
        assert_eq!(parse_vip(cell), *want, "{cell:?}");
    }
}

#[test]
fn dates_typed_or_as_excel_serials() {
    let d = |y, m, d| Ok(Some(NaiveDate::from_ymd_opt(y, m, d).unwrap()));
    let bad = Err(FieldReason::BadDate);
    let table: &[(Cell, Result<Option<NaiveDate>, FieldReason>)] = &[
        (text("2026-03-01"), d(2026, 3, 1)),
        (text("2026/3/1"), d(2026, 3, 1)),
        (text("2026.03.01"), d(2026, 3, 1)),
        (text("2026年3月1日"), d(2026, 3, 1)),
        (text(""), Ok(None)),
        (Cell::Empty, Ok(None)),
        (
            Cell::Date(NaiveDate::from_ymd_opt(2025, 12, 31).unwrap()),
            d(2025, 12, 31),
        ),
        // Excel's serial for 2026-03-01, and 1900-03-01 (the first after its leap bug).
        (Cell::Number(46082.0), d(2026, 3, 1)),
        (Cell::Number(61.0), d(1900, 3, 1)),
        (Cell::Number(46082.5), bad),
        (Cell::Number(-3.0), bad),
        (text("46082"), bad),
        (text("2026-02-30"), bad),
        (text("26-3-1"), bad),
        (text("2026-3"), bad),
        (text("next week"), bad),
        (text("2026-3-1x"), bad),
    ];
    for (cell, want) in table {
        assert_eq!(parse_date(cell), *want, "{cell:?}");
    }
}

#[test]
fn cells_as_text_drop_a_whole_numbers_fraction() {
    assert_eq!(Cell::Number(13812345678.0).text(), "13812345678");
    assert_eq!(Cell::Number(1.5).text(), "1.5");
    assert_eq!(text("  x ").text(), "x");
    assert_eq!(
        parse_tags(&text("老客户，空调; 回访|VIP、 ,")),
        vec!["老客户", "空调", "回访", "VIP"]
    );
}

fn headers() -> Vec<String> {
    ["编号", "姓名", "电话", "等级", "VIP", "购买日期"]
        .map(String::from)
        .to_vec()
}

fn mapping() -> ImportMapping {
    guess_mapping(&headers())
}

fn row(cells: [&str; 6]) -> Vec<Cell> {
    cells.map(text).to_vec()
}

#[test]
fn a_row_becomes_a_customer_or_every_refused_cell() {
    let ok = read_row(
        &mapping(),
        &headers(),
        2,
        &row(["C1", " 王女士 ", "13812345678", "a", "是", "2026/3/1"]),
    )
    .unwrap();
    assert_eq!(ok.name, "王女士");
    assert_eq!(ok.class, CustomerClass::A);
    assert!(ok.vip);
    assert_eq!(ok.external_id.as_deref(), Some("C1"));

    let blank_id = read_row(
        &mapping(),
        &headers(),
        2,
        &row(["", "王女士", "13812345678", "a", "", ""]),
    )
    .unwrap();
    assert_eq!(blank_id.external_id, None);

    let errors = read_row(
        &mapping(),
        &headers(),
        7,
        &row(["C1", "", "call me", "Z", "maybe", "2026-13-01"]),
    )
    .unwrap_err();
    let got: Vec<_> = errors
        .iter()
        .map(|e| (e.row, e.column, e.header.as_str(), e.reason))
        .collect();
    use FieldReason::*;
    assert_eq!(
        got,
        vec![
            (7, 1, "姓名", Missing),
            (7, 2, "电话", BadContact),
            (7, 3, "等级", BadClass),
            (7, 4, "VIP", BadFlag),
            (7, 5, "购买日期", BadDate),
        ]
    );
}

#[test]
fn a_repeated_external_id_or_contact_is_refused_at_its_later_rows() {
    let (m, h) = (mapping(), headers());
    let mut keys = FileKeys::default();
    let fields = |id: &str, contact: &str| {
        read_row(&m, &h, 0, &row([id, "王", contact, "A", "", ""])).unwrap()
    };
    assert!(keys.check(&m, &h, 2, &fields("C1", "111111")).is_empty());
    assert!(keys.check(&m, &h, 3, &fields("C2", "222222")).is_empty());
    let again = keys.check(&m, &h, 4, &fields("C1", "111111"));
    let got: Vec<_> = again
        .iter()
        .map(|e| (e.field, e.reason, e.first_row))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                ImportField::ExternalId,
                FieldReason::DuplicateInFile,
                Some(2)
            ),
            (ImportField::Contact, FieldReason::DuplicateInFile, Some(2)),
        ]
    );
    let no_id = keys.check(&m, &h, 5, &fields("", "222222"));
    assert_eq!(no_id.len(), 1);
    assert_eq!(no_id[0].first_row, Some(3));
}

#[test]
fn blank_rows_are_skipped() {
    assert!(is_blank_row(&[Cell::Empty, text("  ")]));
    assert!(!is_blank_row(&[Cell::Empty, Cell::Number(0.0)]));
}
