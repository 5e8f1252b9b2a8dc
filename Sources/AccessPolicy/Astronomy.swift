import Foundation

/// The few astronomical quantities the lunar calendar needs, after Jean Meeus, *Astronomical Algorithms*
/// (2nd ed., 1998): mean new moons with the periodic and planetary corrections (ch. 49), the sun's apparent
/// longitude (ch. 25) and ΔT (the Espenak–Meeus polynomials).
///
/// Times are Julian days. "JDE" is in Terrestrial Time; civil calendars need Universal Time, so new moons are
/// converted with ΔT. Accuracy (a minute or so for new moons, a few hundredths of a degree for the sun) is ample
/// for 1900–2100; the tests check the resulting calendar against an independent ephemeris table.
enum Astronomy {
    /// Julian day of 1970-01-01 00:00 UT.
    static let unixEpochJulianDay = 2_440_587.5

    /// The instant (JD, UT) of the `k`-th new moon after the one of 2000-01-06 (negative k: before).
    static func newMoon(_ k: Int) -> Double {
        let k = Double(k)
        let t = k / 1236.85
        let t2 = t * t
        let t3 = t2 * t
        let t4 = t3 * t
        var jde = 2_451_550.09766 + 29.530588861 * k + 0.00015437 * t2 - 0.000000150 * t3 + 0.00000000073 * t4
        let e = 1 - 0.002516 * t - 0.0000074 * t2
        let m = radians(2.5534 + 29.10535670 * k - 0.0000014 * t2 - 0.00000011 * t3)
        let mp = radians(201.5643 + 385.81693528 * k + 0.0107582 * t2 + 0.00001238 * t3 - 0.000000058 * t4)
        let f = radians(160.7108 + 390.67050284 * k - 0.0016118 * t2 - 0.00000227 * t3 + 0.000000011 * t4)
        let omega = radians(124.7746 - 1.56375588 * k + 0.0020672 * t2 + 0.00000215 * t3)
        var correction = -0.40720 * sin(mp) + 0.17241 * e * sin(m) + 0.01608 * sin(2 * mp)
        correction += 0.01039 * sin(2 * f) + 0.00739 * e * sin(mp - m) - 0.00514 * e * sin(mp + m)
        correction += 0.00208 * e * e * sin(2 * m) - 0.00111 * sin(mp - 2 * f) - 0.00057 * sin(mp + 2 * f)
        correction += 0.00056 * e * sin(2 * mp + m) - 0.00042 * sin(3 * mp) + 0.00042 * e * sin(m + 2 * f)
        correction += 0.00038 * e * sin(m - 2 * f) - 0.00024 * e * sin(2 * mp - m) - 0.00017 * sin(omega)
        correction += -0.00007 * sin(mp + 2 * m) + 0.00004 * sin(2 * mp - 2 * f) + 0.00004 * sin(3 * m)
        correction += 0.00003 * sin(mp + m - 2 * f) + 0.00003 * sin(2 * mp + 2 * f) - 0.00003 * sin(mp + m + 2 * f)
        correction += 0.00003 * sin(mp - m + 2 * f) - 0.00002 * sin(mp - m - 2 * f) - 0.00002 * sin(3 * mp + m)
        correction += 0.00002 * sin(4 * mp)
        jde += correction
        let planetary: [(Double, Double, Double, Double)] = [
            (0.000325, 299.77, 0.107408, -0.009173), (0.000165, 251.88, 0.016321, 0),
            (0.000164, 251.83, 26.651886, 0), (0.000126, 349.42, 36.412478, 0), (0.000110, 84.66, 18.206239, 0),
            (0.000062, 141.74, 53.303771, 0), (0.000060, 207.14, 2.453732, 0), (0.000056, 154.84, 7.306860, 0),
            (0.000047, 34.52, 27.261239, 0), (0.000042, 207.19, 0.121824, 0), (0.000040, 291.34, 1.844379, 0),
            (0.000037, 161.72, 24.198154, 0), (0.000035, 239.56, 25.513099, 0), (0.000023, 331.55, 3.592518, 0),
        ]
        for (amplitude, base, rate, quadratic) in planetary {
            jde += amplitude * sin(radians(base + rate * k + quadratic * t2))
        }
        return jde - deltaT(julianDay: jde) / 86_400
    }

    /// The sun's apparent geocentric longitude, degrees in 0..<360, at an instant given as JD in UT.
    static func sunLongitude(julianDay ut: Double) -> Double {
        let t = (ut + deltaT(julianDay: ut) / 86_400 - 2_451_545.0) / 36_525
        let meanLongitude = 280.46646 + 36_000.76983 * t + 0.0003032 * t * t
        let anomaly = radians(357.52911 + 35_999.05029 * t - 0.0001537 * t * t)
        let center = (1.914602 - 0.004817 * t - 0.000014 * t * t) * sin(anomaly)
            + (0.019993 - 0.000101 * t) * sin(2 * anomaly) + 0.000289 * sin(3 * anomaly)
        let omega = radians(125.04 - 1_934.136 * t)
        let apparent = meanLongitude + center - 0.00569 - 0.00478 * sin(omega)
        let reduced = apparent.truncatingRemainder(dividingBy: 360)
        return reduced < 0 ? reduced + 360 : reduced
    }

    /// ΔT = TT − UT in seconds (Espenak–Meeus polynomials, 1860–2150; extrapolated beyond).
    static func deltaT(julianDay: Double) -> Double {
        let y = 2000 + (julianDay - 2_451_544.5) / 365.2425
        switch y {
        case ..<1900:
            let t = y - 1860
            return 7.62 + 0.5737 * t - 0.251754 * pow(t, 2) + 0.01680668 * pow(t, 3) - 0.0004473624 * pow(t, 4)
                + pow(t, 5) / 233_174
        case ..<1920:
            let t = y - 1900
            return -2.79 + 1.494119 * t - 0.0598939 * pow(t, 2) + 0.0061966 * pow(t, 3) - 0.000197 * pow(t, 4)
        case ..<1941:
            let t = y - 1920
            return 21.20 + 0.84493 * t - 0.076100 * pow(t, 2) + 0.0020936 * pow(t, 3)
        case ..<1961:
            let t = y - 1950
            return 29.07 + 0.407 * t - pow(t, 2) / 233 + pow(t, 3) / 2547
        case ..<1986:
            let t = y - 1975
            return 45.45 + 1.067 * t - pow(t, 2) / 260 - pow(t, 3) / 718
        case ..<2005:
            let t = y - 2000
            return 63.86 + 0.3345 * t - 0.060374 * pow(t, 2) + 0.0017275 * pow(t, 3) + 0.000651814 * pow(t, 4)
                + 0.00002373599 * pow(t, 5)
        case ..<2050:
            let t = y - 2000
            return 62.92 + 0.32217 * t + 0.005589 * pow(t, 2)
        default:
            let u = (y - 1820) / 100
            return -20 + 32 * u * u - 0.5628 * (2150 - y)
        }
    }

    private static func radians(_ degrees: Double) -> Double { degrees * .pi / 180 }
}
