//! What the import screen knows between the calls: the uploaded file's columns, the mapping
//! the admin is choosing, and the preview last made — with the one rule that matters: an
//! import may start only from an error-free preview of exactly the mapping on screen.

use huifang_domain::import::{
    ImportField, ImportMapping, ImportPreview, ImportUpload, MappingProblem,
};

#[derive(Debug, Clone, PartialEq)]
pub struct ImportDraft {
    pub upload: ImportUpload,
    /// The field chosen for each column of the file, in the file's order.
    pub columns: Vec<Option<ImportField>>,
    /// The last preview and the mapping it was made with.
    pub preview: Option<(Vec<Option<ImportField>>, ImportPreview)>,
}

impl ImportDraft {
    /// A fresh upload, its columns preselected with the server's remembered or guessed mapping.
    pub fn new(upload: ImportUpload) -> Self {
        let mut columns = upload.mapping.columns.clone();
        columns.resize(upload.headers.len(), None);
        Self {
            upload,
            columns,
            preview: None,
        }
    }

    /// Chooses the field of a column from a `<select>` value ("" skips the column).
    pub fn choose(&mut self, column: usize, value: &str) {
        if let Some(slot) = self.columns.get_mut(column) {
            *slot = ImportField::parse(value);
        }
    }

    pub fn mapping(&self) -> ImportMapping {
        ImportMapping {
            columns: self.columns.clone(),
        }
    }

    /// Why the mapping on screen cannot be previewed, checked as the server checks it.
    pub fn problem(&self) -> Option<MappingProblem> {
        self.mapping().check(self.upload.headers.len()).err()
    }

    /// The preview, when it was made with the mapping on screen.
    pub fn current_preview(&self) -> Option<&ImportPreview> {
        self.preview
            .as_ref()
            .filter(|(columns, _)| *columns == self.columns)
            .map(|(_, preview)| preview)
    }

    pub fn can_commit(&self) -> bool {
        self.current_preview()
            .is_some_and(|p| p.error_count == 0 && p.counts.with_errors == 0)
    }
}

/// The `<select>` value of a column's field.
pub fn option_value(field: Option<ImportField>) -> &'static str {
    field.map_or("", ImportField::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;
    use huifang_domain::import::{FileFormat, ImportCounts};
    use uuid::Uuid;

    fn upload(headers: &[&str], columns: Vec<Option<ImportField>>) -> ImportUpload {
        ImportUpload {
            id: Uuid::nil(),
            format: FileFormat::Csv,
            encoding: Some("UTF-8".into()),
            headers: headers.iter().map(|h| (*h).to_owned()).collect(),
            rows: 2,
            mapping: ImportMapping { columns },
            remembered: false,
        }
    }

    fn preview(errors: u64) -> ImportPreview {
        ImportPreview {
            counts: ImportCounts {
                rows: 2,
                to_create: 2 - errors,
                to_update: 0,
                with_errors: errors,
            },
            rows: vec![],
            errors: vec![],
            error_count: errors,
        }
    }

    fn draft() -> ImportDraft {
        use ImportField::*;
        ImportDraft::new(upload(
            &["姓名", "电话", "等级", "备注"],
            vec![Some(Name), Some(Contact), Some(Class), None],
        ))
    }

    #[test]
    fn a_short_guess_is_padded_to_every_column() {
        let d = ImportDraft::new(upload(&["a", "b"], vec![Some(ImportField::Name)]));
        assert_eq!(d.columns, vec![Some(ImportField::Name), None]);
    }

    #[test]
    fn choosing_reads_the_select_value() {
        let mut d = draft();
        d.choose(3, "summary");
        d.choose(0, "");
        d.choose(9, "name");
        assert_eq!(d.columns[3], Some(ImportField::Summary));
        assert_eq!(d.columns[0], None);
        assert_eq!(option_value(d.columns[3]), "summary");
        assert_eq!(option_value(None), "");
    }

    #[test]
    fn a_mapping_problem_names_the_field() {
        let mut d = draft();
        assert_eq!(d.problem(), None);
        d.choose(0, "");
        assert_eq!(
            d.problem(),
            Some(MappingProblem::Unmapped(ImportField::Name))
        );
        d.choose(0, "contact");
        assert_eq!(
            d.problem(),
            Some(MappingProblem::Twice(ImportField::Contact))
        );
    }

    #[test]
    fn only_an_error_free_preview_of_the_mapping_on_screen_can_be_imported() {
        let cases: [(&str, Option<u64>, bool, bool); 4] = [
            ("no preview", None, false, false),
            ("preview with errors", Some(1), false, false),
            ("clean preview", Some(0), false, true),
            ("clean preview, mapping changed since", Some(0), true, false),
        ];
        for (what, errors, change, want) in cases {
            let mut d = draft();
            if let Some(errors) = errors {
                d.preview = Some((d.columns.clone(), preview(errors)));
            }
            if change {
                d.choose(3, "summary");
            }
            assert_eq!(d.can_commit(), want, "{what}");
            assert_eq!(
                d.current_preview().is_some(),
                errors.is_some() && !change,
                "{what}"
            );
        }
    }
}
