package org.partrec.extract;

import java.util.Map;

/** Where item metadata comes from: part number to what the storefront shows and filters on. */
public interface CatalogSource {

    Map<String, ItemInfo> catalog();
}
