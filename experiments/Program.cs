// The ViTDsl command line; commands are added as the capabilities land.
return 0;
