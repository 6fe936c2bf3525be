package com.google.cloud.storage.contrib.nio.testing;

/**
 * google-cloud-nio's in-memory GCS with request options accepted rather than refused
 * ({@code FakeStorageRpc(false)}, whose constructor is package-private): the model store's lease
 * writes with a generation precondition, which this fake then ignores. The tests that need the
 * precondition itself run against {@code org.partrec.storage.GcsStandIn}.
 */
public final class OptionsAcceptingStorage {

    private OptionsAcceptingStorage() {
    }

    public static LocalStorageHelper.FakeStorageRpcFactory factory() {
        return new LocalStorageHelper.FakeStorageRpcFactory(new FakeStorageRpc(false));
    }
}
