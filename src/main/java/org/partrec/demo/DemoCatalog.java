package org.partrec.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A believable performance-parts catalogue, generated deterministically from a seed: brands of
 * the Holley family and its peers, categories from carburettors to fittings, prices by category,
 * stock, fitment to one vehicle platform or universal, and a gross margin. The margins come from a
 * stream of their own, so that every other field is what it was before they were added.
 */
public final class DemoCatalog {

    public static final String UNIVERSAL = "universal";

    /** Vehicle platforms, most common first, with the share of builders on each. */
    public static final List<String> PLATFORMS = List.of("GM LS", "small-block Chevy", "Ford Coyote", "Mopar Hemi",
            "big-block Chevy", "small-block Ford");
    static final double[] PLATFORM_SHARE = {0.34, 0.22, 0.16, 0.12, 0.09, 0.07};

    /** A category: its name, the nouns its part names use, price range and share of universal parts. */
    record Category(String name, List<String> nouns, double minPrice, double maxPrice, double universalShare,
                    List<String> brands) {
    }

    static final List<Category> CATEGORIES = List.of(
            new Category("carburetors", List.of("4150 Carburetor", "Street Demon Carburetor", "Double Pumper Carburetor",
                    "Ultra XP Carburetor"), 380, 1200, 0.05, List.of("Holley", "Demon", "Quick Fuel")),
            new Category("EFI", List.of("Sniper EFI Kit", "Terminator X Kit", "Throttle Body", "Fuel Injector Set",
                    "EFI Harness"), 450, 2600, 0.05, List.of("Holley", "Holley EFI", "MSD")),
            new Category("fuel pumps", List.of("In-Tank Fuel Pump", "Inline Fuel Pump", "Mechanical Fuel Pump",
                    "Fuel Pressure Regulator"), 90, 650, 0.35, List.of("Holley", "Mr. Gasket", "Earl's", "Walbro")),
            new Category("intake manifolds", List.of("Dual Plane Intake", "Single Plane Intake", "Hi-Ram Intake",
                    "Intake Gasket Set"), 180, 1400, 0.0, List.of("Holley", "Weiand", "Edelbrock")),
            new Category("ignition", List.of("Ignition Box", "Distributor", "Coil Pack Set", "Spark Plug Wire Set"),
                    60, 900, 0.25, List.of("MSD", "Holley", "Mr. Gasket")),
            new Category("headers", List.of("Long Tube Headers", "Shorty Headers", "Block Hugger Headers",
                    "Header Gasket Set"), 150, 1800, 0.0, List.of("Hooker", "Flowtech", "Holley")),
            new Category("exhaust", List.of("Cat-Back Exhaust", "X-Pipe", "Muffler Pair", "Exhaust Cutout"),
                    120, 1500, 0.3, List.of("Flowtech", "Hooker", "Flowmaster")),
            new Category("gauges", List.of("Digital Dash", "Fuel Pressure Gauge", "Wideband O2 Gauge", "Tachometer"),
                    45, 1300, 0.75, List.of("Holley", "Mr. Gasket", "Auto Meter")),
            new Category("fittings", List.of("AN Hose End", "AN Adapter Fitting", "PTFE Fuel Hose", "Braided Hose Kit"),
                    8, 160, 0.85, List.of("Earl's", "Holley", "Mr. Gasket")),
            new Category("cooling", List.of("Aluminum Radiator", "Electric Fan Kit", "Water Pump", "Thermostat Housing"),
                    35, 950, 0.3, List.of("Frostbite", "Holley", "Mr. Gasket")),
            new Category("valve covers", List.of("Finned Valve Covers", "Valve Cover Gasket Set", "Tall Valve Covers",
                    "Breather Kit"), 30, 450, 0.1, List.of("Holley", "Mr. Gasket", "Edelbrock")));

    private static final List<String> STYLES = List.of("Street", "Race", "Pro", "Ultra", "Classic", "Black", "Polished",
            "HP", "Sniper", "Stealth");

    private final List<Part> parts;

    private DemoCatalog(List<Part> parts) {
        this.parts = parts;
    }

    /** {@code size} parts from {@code seed}; the same arguments give the same catalogue. */
    public static DemoCatalog generate(int size, long seed) {
        if (size < 1) {
            throw new IllegalArgumentException("catalogue size must be >= 1, got " + size);
        }
        SplittableRandom random = new SplittableRandom(seed);
        SplittableRandom margins = new SplittableRandom(seed ^ 0x6d617267696eL); // "margin"
        List<Part> parts = new ArrayList<>(size);
        java.util.Set<String> numbers = new java.util.HashSet<>();
        for (int i = 0; i < size; i++) {
            Category c = CATEGORIES.get(random.nextInt(CATEGORIES.size()));
            String brand = c.brands().get(random.nextInt(c.brands().size()));
            String noun = c.nouns().get(random.nextInt(c.nouns().size()));
            String style = STYLES.get(random.nextInt(STYLES.size()));
            String fitment = random.nextDouble() < c.universalShare() ? UNIVERSAL : pick(PLATFORMS, PLATFORM_SHARE, random);
            // log-uniform price in the category's range, to the cent ending in .95
            double price = Math.exp(Math.log(c.minPrice()) + random.nextDouble() * Math.log(c.maxPrice() / c.minPrice()));
            price = Math.floor(price) + 0.95;
            String number;
            do {
                number = String.format(Locale.ROOT, "%s-%04d-%03d", prefix(brand), random.nextInt(10000), random.nextInt(1000));
            } while (!numbers.add(number));
            String name = brand + " " + style + " " + noun + (fitment.equals(UNIVERSAL) ? "" : ", " + fitment);
            boolean inStock = random.nextDouble() < 0.87;
            // gross margin: 10% to 55% of the price, to the percent
            double margin = Math.round(100 * (0.10 + 0.45 * margins.nextDouble())) / 100.0;
            parts.add(new Part(number, name, brand, c.name(), price, inStock, fitment, margin));
        }
        return new DemoCatalog(List.copyOf(parts));
    }

    static String prefix(String brand) {
        String letters = brand.toUpperCase(Locale.ROOT).replaceAll("[^A-Z]", "");
        return (letters + "XXX").substring(0, 3);
    }

    static <T> T pick(List<T> values, double[] shares, SplittableRandom random) {
        double u = random.nextDouble();
        double cumulative = 0;
        for (int i = 0; i < values.size(); i++) {
            cumulative += shares[i];
            if (u < cumulative) {
                return values.get(i);
            }
        }
        return values.get(values.size() - 1);
    }

    public List<Part> parts() {
        return parts;
    }

    public int size() {
        return parts.size();
    }

    public Part part(int i) {
        return parts.get(i);
    }
}
