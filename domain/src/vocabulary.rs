//! The words a visit is described with (channel, type, outcome, emotion, demand). They are
//! shared by visits, scripts, surveys, tasks and tickets, so they live apart from all of them.

use crate::wire::wire_enum;

wire_enum!(
    /// How the customer was contacted (回访方式).
    Channel {
        /// 电话
        Phone => "phone",
        /// 上门
        OnSite => "on_site",
        /// 在线
        Chat => "chat",
        Email => "email",
        Sms => "sms",
    }
);

wire_enum!(
    /// 回访类型 (DOMAIN.md "Visit types and their rules").
    VisitType {
        /// 投诉回访
        Complaint => "complaint",
        /// 维修回访
        Repair => "repair",
        /// 活动回访
        Event => "event",
        /// 售后回访
        AfterSales => "after_sales",
        /// 满意度回访
        Satisfaction => "satisfaction",
        /// 拜访回访
        VisitCheck => "visit_check",
        /// 新客户激活
        Activation => "activation",
        /// 节日关怀
        Care => "care",
    }
);

wire_enum!(
    /// 结果: what came of the attempt.
    Outcome {
        /// 已接通
        Reached => "reached",
        /// 无人接听
        NoAnswer => "no_answer",
        /// 拒绝
        Refused => "refused",
        /// 号码错误
        WrongNumber => "wrong_number",
        /// 约定回拨
        CallBack => "call_back",
    }
);

wire_enum!(
    /// 情绪
    Emotion {
        Calm => "calm",
        Agitated => "agitated",
        Angry => "angry",
        Satisfied => "satisfied",
        Neutral => "neutral",
        Unsatisfied => "unsatisfied",
    }
);

wire_enum!(
    /// 期望诉求
    Demand {
        Exchange => "exchange",
        Compensation => "compensation",
        Apology => "apology",
        Explanation => "explanation",
        None => "none",
    }
);
