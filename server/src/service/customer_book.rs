//! 客户档案, the console's customer book (issue 11): the list, one profile, create, edit from
//! a known version, archive and unarchive. Fields are checked by the domain's one rule
//! (`CustomerFields::normalized` + `problems`), the editor's and the import's alike.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use huifang_domain::customer_book::{
    ContactSearch, CustomerBookList, CustomerEdit, CustomerFields, CustomerProfile,
};
use huifang_domain::{CustomerClass, User};
use uuid::Uuid;

use crate::error::{AppError, Result};
use crate::service::utc_offset;
use crate::storage::{
    BookFilter, CatalogQueries, CustomerBookQueries, CustomerBookRows, CustomerQueries, PageAt,
};

/// `GET /api/customer-book` as asked: blank searches are no search.
#[derive(Debug, Clone, Default)]
pub struct BookQuery {
    pub name: Option<String>,
    pub contact: Option<String>,
    pub external_id: Option<String>,
    pub tag: Option<String>,
    pub class: Option<CustomerClass>,
    pub vip: Option<bool>,
    pub region: Option<String>,
    /// A day in the organisation's time zone: visited last before it starts, or never.
    pub last_visit_before: Option<NaiveDate>,
    pub archived: bool,
}

fn given(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

fn filter<S: CatalogQueries>(s: &S, q: BookQuery) -> Result<BookFilter> {
    let contact = given(q.contact)
        .map(|c| {
            ContactSearch::parse(&c).ok_or_else(|| {
                AppError::bad_request(
                    "type at least the last 4 digits, or the masked number (138****5678)",
                    Some("contact"),
                )
            })
        })
        .transpose()?;
    let last_visit_before = match q.last_visit_before {
        Some(day) => {
            let (_, settings) = s
                .settings()?
                .ok_or_else(|| AppError::Internal("no settings".into()))?;
            let midnight = day
                .and_time(NaiveTime::MIN)
                .and_local_timezone(utc_offset(&settings)?)
                .single()
                .ok_or_else(|| AppError::bad_request("no such day", Some("last_visit_before")))?;
            Some(midnight.with_timezone(&Utc))
        }
        None => None,
    };
    Ok(BookFilter {
        name: given(q.name),
        contact,
        external_id: given(q.external_id),
        tag: given(q.tag),
        class: q.class,
        vip: q.vip,
        // A blank region is a value customers have (none given), so it is kept.
        region: q.region.map(|r| r.trim().to_owned()),
        last_visit_before,
        archived: q.archived,
    })
}

pub fn list<S: CustomerBookQueries + CatalogQueries>(
    s: &S,
    q: BookQuery,
    at: &PageAt,
) -> Result<CustomerBookList> {
    let page = s.customer_book_page(&filter(s, q)?, at)?;
    Ok(CustomerBookList {
        customers: page.items,
        total: page.total,
        next: page.next.map(|c| c.encode()),
    })
}

pub fn profile<S: CustomerBookQueries>(s: &S, id: Uuid) -> Result<CustomerProfile> {
    s.customer_profile(id)?.ok_or(AppError::NotFound)
}

/// The fields as stored, or every problem they have.
fn checked(fields: CustomerFields) -> Result<CustomerFields> {
    let fields = fields.normalized();
    let problems = fields.problems();
    if problems.is_empty() {
        Ok(fields)
    } else {
        Err(AppError::Invalid(problems))
    }
}

/// A contact or external id is one customer's: another customer holding it is refused
/// (`me`: the customer being edited, who may keep theirs).
fn unique<S: CustomerBookQueries>(s: &S, fields: &CustomerFields, me: Option<Uuid>) -> Result<()> {
    let taken = |holder: Option<Uuid>| holder.is_some_and(|h| Some(h) != me);
    if let Some(e) = &fields.external_id
        && taken(s.external_id_holder(e)?)
    {
        return Err(AppError::Duplicate("external_id"));
    }
    if taken(s.contact_holder(&fields.contact)?) {
        return Err(AppError::Duplicate("contact"));
    }
    Ok(())
}

pub fn create<S: CustomerBookRows>(
    s: &S,
    by: &User,
    fields: CustomerFields,
    now: DateTime<Utc>,
) -> Result<CustomerProfile> {
    let fields = checked(fields)?;
    unique(s, &fields, None)?;
    let id = s.insert_book_customer(&fields, by.id, now)?;
    profile(s, id)
}

/// Saves an edit made from `edit.version`; if the customer changed since, nothing is written
/// and the answer carries the current profile. The editor never holds the whole contact (only
/// its masked form leaves the server), so a blank contact keeps the stored one.
pub fn edit<S: CustomerBookRows + CustomerQueries>(
    s: &S,
    by: &User,
    id: Uuid,
    edit: CustomerEdit,
    now: DateTime<Utc>,
) -> Result<CustomerProfile> {
    let before = profile(s, id)?;
    if before.version != edit.version {
        return Err(AppError::Stale {
            message: format!(
                "the customer was changed by someone else since version {}",
                edit.version
            ),
            current: serde_json::to_value(&before)
                .map_err(|e| AppError::Internal(e.to_string()))?,
        });
    }
    let mut fields = edit.fields;
    if fields.contact.trim().is_empty() {
        fields.contact = s.contact(id)?.ok_or(AppError::NotFound)?;
    }
    let fields = checked(fields)?;
    unique(s, &fields, Some(id))?;
    s.update_book_customer(&before, &fields, by.id, now)?;
    profile(s, id)
}

/// Archives (or brings back) a customer; asking for the state it is already in writes nothing.
pub fn set_archived<S: CustomerBookRows>(
    s: &S,
    by: &User,
    id: Uuid,
    archived: bool,
    now: DateTime<Utc>,
) -> Result<CustomerProfile> {
    let before = profile(s, id)?;
    if before.archived_at.is_some() == archived {
        return Ok(before);
    }
    s.set_customer_archived(&before, archived, by.id, now)?;
    profile(s, id)
}
