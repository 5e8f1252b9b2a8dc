/// The languages decisions are explained in.
public enum ExplanationLanguage: String, Sendable, Hashable, CaseIterable, Codable {
    case english = "en"
    case vietnamese = "vi"
}

extension Decision {
    /// A few lines telling a person what was decided and why, in English or Vietnamese.
    ///
    /// - Parameter site: the model, to show names next to ids; without it only ids are shown.
    public func explanation(in language: ExplanationLanguage, site: SiteModel? = nil) -> String {
        let words = ExplanationWords(language)
        var lines: [String] = []
        let verdict = isGranted ? words.granted : words.denied
        lines.append(verdict + " (" + reason.rawValue + "): " + reason.sentence(in: language))
        if let personId {
            let name = site?.people.first { $0.id == personId }?.displayName
            lines.append(words.person + ": " + Self.label(name, personId))
        }
        if let credentialId { lines.append(words.card + ": " + credentialId) }
        if let doorId {
            let name = site?.doors.first { $0.id == doorId }?.name
            lines.append(words.door + ": " + Self.label(name, doorId))
        }
        if let levelId {
            let name = site?.accessLevels.first { $0.id == levelId }?.name
            lines.append(words.level + ": " + Self.label(name, levelId))
        }
        if let interval {
            let name = site?.schedules.first { $0.id == interval.scheduleId }?.name
            let kind = interval.holidayInterval ? words.holidayInterval : words.interval
            lines.append(words.schedule + ": " + Self.label(name, interval.scheduleId) + ", " + kind + " "
                + String(interval.index + 1) + " (" + interval.interval.description + ")")
        }
        if let unlockSeconds { lines.append(words.unlock + ": " + String(unlockSeconds) + " " + words.seconds) }
        if let advisory {
            lines.append(words.advisory + " (" + advisory.rawValue + "): " + advisory.sentence(in: language))
        }
        return lines.joined(separator: "\n")
    }

    private static func label(_ name: String?, _ id: String) -> String {
        guard let name, name != id else { return id }
        return name + " [" + id + "]"
    }
}

extension DecisionReason {
    /// One sentence saying what the code means, in English or Vietnamese.
    public func sentence(in language: ExplanationLanguage) -> String {
        let (english, vietnamese) = texts
        return language == .english ? english : vietnamese
    }

    private var texts: (String, String) {
        switch self {
        case .granted:
            ("an access level allows this door at this time", "có cấp quyền cho phép qua cửa này vào lúc này")
        case .grantedFreeAccess: ("the door is in free-access mode", "cửa đang ở chế độ tự do ra vào")
        case .grantedTwoPerson:
            ("a second person presented a card within the two-person window",
             "người thứ hai đã quẹt thẻ trong thời hạn của quy tắc hai người")
        case .grantedEscorted:
            ("a staff escort passed this door within the escort window",
             "nhân viên đi kèm đã qua cửa này trong thời hạn cho phép")
        case .unknownDoor: ("the door is not known", "cửa không có trong hệ thống")
        case .unknownCredential: ("the card is not enrolled", "thẻ chưa được đăng ký")
        case .credentialSuspended: ("the card is suspended", "thẻ đang bị tạm khóa")
        case .credentialRevoked: ("the card has been revoked", "thẻ đã bị thu hồi")
        case .credentialLost: ("the card was reported lost", "thẻ đã được báo mất")
        case .credentialExpired: ("the card has expired", "thẻ đã hết hạn")
        case .credentialNotYetValid: ("the card is not valid yet", "thẻ chưa đến thời hạn có hiệu lực")
        case .personInactive: ("the card holder is inactive", "người giữ thẻ không còn hoạt động")
        case .challengeInvalid:
            ("the challenge was not issued for this door, has expired or was already used",
             "mã thử thách không dành cho cửa này, đã hết hạn hoặc đã được dùng")
        case .signatureInvalid: ("the card's signature does not verify", "chữ ký của thẻ không hợp lệ")
        case .certificateInvalid:
            ("the card's certificate is not trusted or not valid",
             "chứng thư số của thẻ không hợp lệ hoặc không được tin cậy")
        case .assuranceTooLow:
            ("the card's proof of identity is weaker than this door requires",
             "mức xác thực của thẻ thấp hơn mức cửa này yêu cầu")
        case .pinRequired: ("this door needs a PIN", "cửa này yêu cầu nhập mã PIN")
        case .pinInvalid: ("the PIN is wrong", "mã PIN không đúng")
        case .doorLocked: ("the door is locked", "cửa đang bị khóa")
        case .lockdown:
            ("the zone is in lockdown and the person is not a responder",
             "khu vực đang bị phong tỏa và người này không thuộc lực lượng ứng phó")
        case .noAccessLevel:
            ("no access level of this person includes this door",
             "người này không có cấp quyền nào bao gồm cửa này")
        case .outsideSchedule:
            ("an access level includes this door but its schedule is closed at this time",
             "có cấp quyền bao gồm cửa này nhưng lúc này nằm ngoài lịch cho phép")
        case .antiPassback:
            ("the person's recorded zone does not match this passage (anti-passback)",
             "vị trí đã ghi nhận của người này không khớp với lượt qua cửa (chống quay vòng)")
        case .occupancyFull: ("the zone is at its maximum occupancy", "khu vực đã đủ số người tối đa")
        case .escortRequired:
            ("a visitor needs a staff escort at this door", "khách cần có nhân viên đi kèm khi qua cửa này")
        case .twoPersonPending:
            ("a second person must present a card (two-person rule)",
             "cần người thứ hai quẹt thẻ (quy tắc hai người)")
        }
    }
}

/// Labels of an explanation in one language.
private struct ExplanationWords {
    let granted, denied, person, card, door, level, schedule, interval, holidayInterval, unlock, seconds,
        advisory: String

    init(_ language: ExplanationLanguage) {
        switch language {
        case .english:
            (granted, denied, person, card, door, level) = ("GRANTED", "DENIED", "Person", "Card", "Door",
                "Access level")
            (schedule, interval, holidayInterval, unlock, seconds, advisory) = ("Schedule", "interval",
                "holiday interval", "Unlock", "seconds", "Advisory")
        case .vietnamese:
            (granted, denied, person, card, door, level) = ("CHO PHÉP", "TỪ CHỐI", "Người", "Thẻ", "Cửa",
                "Cấp quyền")
            (schedule, interval, holidayInterval, unlock, seconds, advisory) = ("Lịch", "khung giờ",
                "khung giờ ngày lễ", "Mở khóa", "giây", "Lưu ý")
        }
    }
}
